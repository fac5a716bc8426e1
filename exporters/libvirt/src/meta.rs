//! Metadata read from a domain's XML: what goes into the `_info` series
//! (OS type, machine, disk sources, NIC MACs and bridges, Nova metadata)
//! and the device names the per-domain fallback needs.
//!
//! Parsing never fails: odd or missing elements give empty strings, and an
//! unparsable or oversized document gives metadata with only what libvirt
//! told us outside the XML.

use roxmltree::{Document, Node};

/// Largest domain XML parsed (real ones are a few KiB).
const MAX_XML: usize = 4 << 20;
/// Most disks or interfaces kept per domain.
const MAX_DEVICES: usize = 1024;
/// Longest label value kept (longer values are cut at a char boundary).
const MAX_VALUE: usize = 1024;

/// One disk from `<devices><disk>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Disk {
    /// `<target dev>`.
    pub target: String,
    /// File, block device, volume or network name of the source.
    pub source: String,
    /// `<target bus>`.
    pub bus: String,
    /// `<driver type>` (image format).
    pub driver_type: String,
    /// `device` attribute (`disk`, `cdrom`, ...).
    pub device: String,
}

/// One interface from `<devices><interface>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interface {
    /// `<target dev>` (empty when libvirt gave none).
    pub target: String,
    /// `<mac address>`.
    pub mac: String,
    /// `type` attribute (`network`, `bridge`, `user`, ...).
    pub kind: String,
    /// `<source bridge>`.
    pub bridge: String,
    /// `<source network>`.
    pub network: String,
    /// `<model type>`.
    pub model: String,
}

/// OpenStack Nova metadata (`<nova:instance>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nova {
    /// `<nova:name>`.
    pub instance_name: String,
    /// `<nova:flavor name>`.
    pub flavor: String,
    /// `<nova:owner><nova:project>` text.
    pub project_name: String,
    /// Its `uuid` attribute.
    pub project_uuid: String,
    /// `<nova:owner><nova:user>` text.
    pub user_name: String,
    /// Its `uuid` attribute.
    pub user_uuid: String,
    /// `<nova:root type>`.
    pub root_type: String,
    /// `<nova:root uuid>`.
    pub root_uuid: String,
}

/// Everything the exporter keeps from a domain's XML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainMeta {
    /// `type` attribute of `<domain>` (`kvm`, `qemu`, `test`).
    pub virt_type: String,
    /// `<os><type>` text (`hvm`).
    pub os_type: String,
    /// `<os><type arch>`.
    pub arch: String,
    /// `<os><type machine>`.
    pub machine: String,
    /// `persistent` as `"true"`/`"false"`, or empty when unknown.
    pub persistent: String,
    /// Disks in document order.
    pub disks: Vec<Disk>,
    /// Interfaces in document order.
    pub interfaces: Vec<Interface>,
    /// Nova metadata, when present.
    pub nova: Option<Nova>,
}

impl DomainMeta {
    /// Gives every disk and interface a unique, non-empty target: a
    /// nameless interface is named after its MAC address (or `net<N>`), a
    /// nameless disk after its source (or `disk<N>`); later duplicates are
    /// dropped, so `_info` series are never emitted twice.
    pub fn dedupe_devices(&mut self) {
        use crate::dedupe::unique_names;
        unique_names(
            &mut self.interfaces,
            "net",
            |n| &mut n.target,
            |n| Some(n.mac.clone()),
        );
        unique_names(
            &mut self.disks,
            "disk",
            |d| &mut d.target,
            |d| Some(d.source.clone()),
        );
    }
}

fn attr(n: Option<Node<'_, '_>>, name: &str) -> String {
    clip(n.and_then(|n| n.attribute(name)).unwrap_or(""))
}

fn clip(s: &str) -> String {
    if s.len() <= MAX_VALUE {
        return s.to_string();
    }
    let mut end = MAX_VALUE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text(n: Option<Node<'_, '_>>) -> String {
    clip(n.and_then(|n| n.text()).unwrap_or("").trim())
}

/// Parses a domain XML. Never fails; see the module docs.
pub fn parse_domain_xml(xml: &str) -> DomainMeta {
    let mut m = DomainMeta::default();
    if xml.len() > MAX_XML {
        return m;
    }
    let Ok(doc) = Document::parse(xml) else {
        return m;
    };
    let root = doc.root_element();
    if root.tag_name().name() != "domain" {
        return m;
    }
    m.virt_type = attr(Some(root), "type");
    let os_type = child(root, "os").and_then(|os| child(os, "type"));
    m.os_type = text(os_type);
    m.arch = attr(os_type, "arch");
    m.machine = attr(os_type, "machine");
    if let Some(devices) = child(root, "devices") {
        for d in devices.children().filter(|c| c.is_element()) {
            match d.tag_name().name() {
                "disk" if m.disks.len() < MAX_DEVICES => m.disks.push(disk(d)),
                "interface" if m.interfaces.len() < MAX_DEVICES => m.interfaces.push(interface(d)),
                _ => {}
            }
        }
    }
    m.nova = child(root, "metadata").and_then(nova);
    m
}

fn disk(d: Node<'_, '_>) -> Disk {
    let target = child(d, "target");
    let src = child(d, "source");
    let source = ["file", "dev", "name", "volume", "dir"]
        .iter()
        .find_map(|a| src.and_then(|s| s.attribute(*a)))
        .map(|s| match src.and_then(|s| s.attribute("pool")) {
            Some(pool) => format!("{pool}/{s}"),
            None => s.to_string(),
        })
        .unwrap_or_default();
    Disk {
        target: attr(target, "dev"),
        source: clip(&source),
        bus: attr(target, "bus"),
        driver_type: attr(child(d, "driver"), "type"),
        device: clip(d.attribute("device").unwrap_or("disk")),
    }
}

fn interface(d: Node<'_, '_>) -> Interface {
    let src = child(d, "source");
    Interface {
        target: attr(child(d, "target"), "dev"),
        mac: attr(child(d, "mac"), "address"),
        kind: clip(d.attribute("type").unwrap_or("")),
        bridge: attr(src, "bridge"),
        network: attr(src, "network"),
        model: attr(child(d, "model"), "type"),
    }
}

fn nova(metadata: Node<'_, '_>) -> Option<Nova> {
    let inst = metadata.children().find(|c| {
        c.is_element()
            && c.tag_name().name() == "instance"
            && c.tag_name()
                .namespace()
                .is_some_and(|ns| ns.starts_with("http://openstack.org/xmlns/libvirt/nova"))
    })?;
    let owner = child(inst, "owner");
    let project = owner.and_then(|o| child(o, "project"));
    let user = owner.and_then(|o| child(o, "user"));
    let root = child(inst, "root");
    Some(Nova {
        instance_name: text(child(inst, "name")),
        flavor: attr(child(inst, "flavor"), "name"),
        project_name: text(project),
        project_uuid: attr(project, "uuid"),
        user_name: text(user),
        user_uuid: attr(user, "uuid"),
        root_type: attr(root, "type"),
        root_uuid: attr(root, "uuid"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<domain type='kvm' id='3'>
  <name>web-1</name>
  <metadata>
    <nova:instance xmlns:nova="http://openstack.org/xmlns/libvirt/nova/1.1">
      <nova:name>web-1</nova:name>
      <nova:flavor name="m1.small"><nova:memory>2048</nova:memory></nova:flavor>
      <nova:owner>
        <nova:user uuid="u-1">alice</nova:user>
        <nova:project uuid="p-1">shop</nova:project>
      </nova:owner>
      <nova:root type="image" uuid="img-1"/>
    </nova:instance>
  </metadata>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web-1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='cdrom'>
      <source pool='isos' volume='debian.iso'/>
      <target dev='sda' bus='sata'/>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source bridge='br0'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:aa:bb:cd'/>
    </interface>
  </devices>
</domain>"#;

    #[test]
    fn reads_info_disks_interfaces_and_nova() {
        let m = parse_domain_xml(XML);
        assert_eq!(
            (
                m.virt_type.as_str(),
                m.os_type.as_str(),
                m.arch.as_str(),
                m.machine.as_str()
            ),
            ("kvm", "hvm", "x86_64", "pc-q35-7.2")
        );
        assert_eq!(
            m.disks[0],
            Disk {
                target: "vda".into(),
                source: "/var/lib/libvirt/images/web-1.qcow2".into(),
                bus: "virtio".into(),
                driver_type: "qcow2".into(),
                device: "disk".into(),
            }
        );
        assert_eq!(m.disks[1].source, "isos/debian.iso");
        assert_eq!(m.disks[1].device, "cdrom");
        assert_eq!(m.interfaces[0].bridge, "br0");
        assert_eq!(m.interfaces[0].target, "vnet3");
        assert_eq!(m.interfaces[1].target, "");
        assert_eq!(m.interfaces[1].kind, "user");
        let n = m.nova.unwrap();
        assert_eq!(n.instance_name, "web-1");
        assert_eq!(n.flavor, "m1.small");
        assert_eq!(
            (n.user_name.as_str(), n.user_uuid.as_str()),
            ("alice", "u-1")
        );
        assert_eq!(
            (n.project_name.as_str(), n.project_uuid.as_str()),
            ("shop", "p-1")
        );
        assert_eq!(
            (n.root_type.as_str(), n.root_uuid.as_str()),
            ("image", "img-1")
        );
    }

    #[test]
    fn nameless_and_duplicate_devices_are_deduped() {
        let mut m = parse_domain_xml(
            "<domain><devices>\
             <interface type='user'><mac address='52:54:00:00:00:01'/></interface>\
             <interface type='user'><mac address='52:54:00:00:00:01'/></interface>\
             <interface type='user'/>\
             <interface type='ethernet'><target dev='tap0'/></interface>\
             <interface type='ethernet'><target dev='tap0'/></interface>\
             <disk device='disk'><target dev='vda'/></disk>\
             <disk device='disk'><target dev='vda'/></disk>\
             <disk device='cdrom'/>\
             </devices></domain>",
        );
        m.dedupe_devices();
        let targets: Vec<&str> = m.interfaces.iter().map(|n| n.target.as_str()).collect();
        assert_eq!(targets, ["52:54:00:00:00:01", "net2", "tap0"]);
        let disks: Vec<&str> = m.disks.iter().map(|d| d.target.as_str()).collect();
        assert_eq!(disks, ["vda", "disk2"]);
    }

    #[test]
    fn odd_xml_gives_empty_metadata() {
        for bad in [
            "",
            "<domain",
            "<network/>",
            "<domain><devices><disk/><interface/></devices></domain>",
            "<domain><os><type/></os><metadata><instance/></metadata></domain>",
        ] {
            let m = parse_domain_xml(bad);
            assert_eq!(m.os_type, "");
            assert!(m.nova.is_none());
            assert!(m.disks.iter().all(|d| d.target.is_empty()));
        }
        let huge = format!("<domain type='{}'/>", "x".repeat(5000));
        assert_eq!(parse_domain_xml(&huge).virt_type.len(), MAX_VALUE);
    }
}
