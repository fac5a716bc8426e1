//! One metric family: its series, their pre-rendered labels and the cap.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, RwLock};

use metric_defs::MetricDef;

use super::cells::Cell;
use super::{LabelError, DEFAULT_MAX_SERIES};
use crate::encode::render_labels;
use crate::MetricWriter;

/// Type-erased family, as the registry encodes it.
pub(crate) trait AnyFamily: Send + Sync {
    fn encode(&self, w: &mut MetricWriter);
    fn len(&self) -> usize;
}

struct Series<C> {
    /// `a="x",b="y"`, shared with the index.
    labels: Arc<[u8]>,
    cell: Arc<C>,
}

struct Inner<C> {
    /// Rendered labels to position in `series`: escaping is injective, so
    /// the rendered form identifies the label values.
    index: HashMap<Arc<[u8]>, usize>,
    series: Vec<Series<C>>,
}

pub(crate) struct Family<C: Cell> {
    def: &'static MetricDef,
    extra: C::Extra,
    shards: usize,
    max_series: AtomicUsize,
    inner: RwLock<Inner<C>>,
}

impl<C: Cell> Family<C> {
    pub(crate) fn new(def: &'static MetricDef, extra: C::Extra, shards: usize) -> Self {
        Family {
            def,
            extra,
            shards,
            max_series: AtomicUsize::new(DEFAULT_MAX_SERIES),
            inner: RwLock::new(Inner {
                index: HashMap::new(),
                series: Vec::new(),
            }),
        }
    }

    pub(crate) fn def(&self) -> &'static MetricDef {
        self.def
    }

    pub(crate) fn set_max_series(&self, max: usize) {
        self.max_series.store(max, Relaxed);
    }

    fn check_arity(&self, values: &[&str]) -> Result<(), LabelError> {
        if values.len() != self.def.labels.len() {
            return Err(LabelError::Arity {
                metric: self.def.name,
                expected: self.def.labels.len(),
                got: values.len(),
            });
        }
        Ok(())
    }

    pub(crate) fn get_or_create(&self, values: &[&str]) -> Result<Arc<C>, LabelError> {
        self.check_arity(values)?;
        let key = render_labels(self.def.labels, values);
        {
            let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
            if let Some(&i) = inner.index.get(key.as_slice()) {
                return Ok(inner.series[i].cell.clone());
            }
        }
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&i) = inner.index.get(key.as_slice()) {
            return Ok(inner.series[i].cell.clone());
        }
        let max = self.max_series.load(Relaxed);
        if inner.series.len() >= max {
            return Err(LabelError::Cardinality {
                metric: self.def.name,
                max,
            });
        }
        let cell = Arc::new(C::new(&self.extra, self.shards));
        let labels: Arc<[u8]> = key.into();
        let at = inner.series.len();
        inner.series.push(Series {
            labels: labels.clone(),
            cell: cell.clone(),
        });
        inner.index.insert(labels, at);
        Ok(cell)
    }

    pub(crate) fn remove(&self, values: &[&str]) -> bool {
        if self.check_arity(values).is_err() {
            return false;
        }
        let key = render_labels(self.def.labels, values);
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let Some(at) = inner.index.remove(key.as_slice()) else {
            return false;
        };
        inner.series.remove(at);
        for i in inner.index.values_mut() {
            if *i > at {
                *i -= 1;
            }
        }
        true
    }
}

impl<C: Cell> AnyFamily for Family<C> {
    fn encode(&self, w: &mut MetricWriter) {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let mut f = w.family(self.def);
        for s in &inner.series {
            s.cell.encode(&mut f, &s.labels, &self.extra);
        }
    }

    fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .series
            .len()
    }
}
