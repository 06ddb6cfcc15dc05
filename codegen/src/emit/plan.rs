//! What to generate for one object version, decided before any tokens are built: every name,
//! the Rust type of every Resource, its range check and its enumeration.

use crate::emit::typing::{check, narrowest, numeric_spans};
use crate::ident::{self, Namespace};
use crate::model::{ObjectDef, ResourceDef, ResourceType};
use crate::range::Bound;

/// The Rust type of one Resource value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F64,
    Bool,
    Str,
    Bytes,
    Time,
    ObjLink,
    CoreLink,
    /// The Resource's generated enumeration.
    Enum,
}

impl Scalar {
    /// Needs `alloc` (as a field; `Multi` of anything does too).
    pub(crate) fn needs_alloc(self) -> bool {
        matches!(self, Scalar::Str | Scalar::Bytes | Scalar::CoreLink)
    }

    pub(crate) fn is_int(self) -> bool {
        matches!(
            self,
            Scalar::I8
                | Scalar::I16
                | Scalar::I32
                | Scalar::I64
                | Scalar::U8
                | Scalar::U16
                | Scalar::U32
                | Scalar::U64
        )
    }
}

/// A range check a setter runs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Check {
    Int(Vec<(i128, i128)>),
    Float(Vec<(f64, f64)>),
    Len(Vec<(u64, u64)>),
    Strings(Vec<String>),
}

/// One `N: label` enumeration as a Rust enum.
#[derive(Clone, Debug)]
pub(crate) struct EnumPlan {
    pub(crate) name: String,
    /// The integer type on the wire.
    pub(crate) raw: Scalar,
    /// (variant identifier, value, label).
    pub(crate) variants: Vec<(String, i64, String)>,
}

/// Data Resource or executable.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Data {
        scalar: Scalar,
        check: Option<Check>,
        enumeration: Option<EnumPlan>,
    },
    Exec,
}

/// One Resource's plan.
#[derive(Clone, Debug)]
pub(crate) struct ResPlan<'a> {
    pub(crate) def: &'a ResourceDef,
    pub(crate) kind: Kind,
    pub(crate) field: String,
    pub(crate) setter: String,
    pub(crate) clear: String,
    pub(crate) handle: String,
    pub(crate) range_const: String,
    /// Why a declared range is not checked, if it is not.
    pub(crate) unchecked: Option<&'static str>,
}

/// One object version's plan.
#[derive(Clone, Debug)]
pub(crate) struct ObjectPlan<'a> {
    pub(crate) obj: &'a ObjectDef,
    /// The marker type (`Temperature`).
    pub(crate) marker: String,
    /// The version module (`v1_1`).
    pub(crate) module: String,
    pub(crate) resources: Vec<ResPlan<'a>>,
    /// Identifiers that had to change to stay unique: (LwM2M path, what happened).
    pub(crate) renames: Vec<(String, String)>,
}

/// The version module name of an object version.
pub(crate) fn version_module(obj: &ObjectDef) -> String {
    format!("v{}_{}", obj.object_version.major, obj.object_version.minor)
}

impl<'a> ObjectPlan<'a> {
    pub(crate) fn new(obj: &'a ObjectDef) -> Self {
        let mut renames = Vec::new();
        let mut note = |path: String, want: &str, got: &str| {
            renames.push((path, format!("`{want}` is taken; generated as `{got}`")));
        };
        let mut types = Namespace::with(&["Instance", "META"]);
        let want = ident::camel(&obj.name, obj.id);
        let marker = types.claim_camel(&want, obj.id).0;
        if marker != want {
            note(format!("/{}", obj.id), &want, &marker);
        }
        let mut methods = Namespace::default();
        let mut consts = Namespace::default();
        let fields: Vec<String> = obj
            .resources
            .iter()
            .map(|r| methods.claim(&ident::snake(&r.name, r.id), r.id).0)
            .collect();
        let resources = obj
            .resources
            .iter()
            .zip(fields)
            .map(|(def, field)| {
                let handle = consts.claim(&ident::shouty(&field), def.id).0;
                let range_const = consts
                    .claim(&format!("RANGE_{}", handle.trim_start_matches('_')), def.id)
                    .0;
                let (kind, unchecked) = kind(def, &mut types);
                let path = format!("/{}/{}", obj.id, def.id);
                if let Kind::Data {
                    enumeration: Some(e),
                    ..
                } = &kind
                {
                    let want = ident::camel(&def.name, def.id);
                    if e.name != want {
                        note(path.clone(), &want, &e.name);
                    }
                }
                let (setter, clear) = match kind {
                    Kind::Exec => (String::new(), String::new()),
                    Kind::Data { .. } => {
                        let mut method = |prefix: &str| {
                            let want = ident::prefixed(prefix, &field);
                            let got = methods.claim(&want, def.id).0;
                            if got != want {
                                note(path.clone(), &want, &got);
                            }
                            got
                        };
                        (method("set_"), method("clear_"))
                    }
                };
                ResPlan {
                    def,
                    kind,
                    field,
                    setter,
                    clear,
                    handle,
                    range_const,
                    unchecked,
                }
            })
            .collect();
        ObjectPlan {
            obj,
            marker,
            module: version_module(obj),
            resources,
            renames,
        }
    }

    /// True when some field needs `alloc` (all instance structs do, through `Multi` too).
    pub(crate) fn data(&self) -> impl Iterator<Item = &ResPlan<'a>> {
        self.resources
            .iter()
            .filter(|r| matches!(r.kind, Kind::Data { .. }))
    }
}

fn kind(def: &ResourceDef, types: &mut Namespace) -> (Kind, Option<&'static str>) {
    if def.operations.executable() {
        return (Kind::Exec, None);
    }
    let spans = numeric_spans(&def.range);
    let int_spans: Option<Vec<(i128, i128)>> = spans
        .iter()
        .map(|(a, b)| match (a, b) {
            (Bound::Int(a), Bound::Int(b)) => Some((*a, *b)),
            _ => None,
        })
        .collect();
    let inverted = spans.iter().any(|(a, b)| a.as_f64() > b.as_f64());
    let is_int = matches!(
        def.kind,
        ResourceType::Integer | ResourceType::UnsignedInteger
    );
    let signed = def.kind == ResourceType::Integer;
    let mut values: Vec<(i128, i128)> = if inverted {
        Vec::new()
    } else {
        int_spans.clone().unwrap_or_default()
    };
    let enumeration = if is_int && def.enumeration.len() >= 2 {
        values.extend(
            def.enumeration
                .iter()
                .map(|v| (v.value as i128, v.value as i128)),
        );
        Some(())
    } else {
        None
    };
    let widen = int_spans.is_none() && !spans.is_empty();
    let scalar = match def.kind {
        ResourceType::Integer | ResourceType::UnsignedInteger if widen => {
            if signed {
                Scalar::I64
            } else {
                Scalar::U64
            }
        }
        ResourceType::Integer => narrowest(&values, true),
        ResourceType::UnsignedInteger => narrowest(&values, false),
        ResourceType::Float => Scalar::F64,
        ResourceType::Boolean => Scalar::Bool,
        ResourceType::Opaque => Scalar::Bytes,
        ResourceType::Time => Scalar::Time,
        ResourceType::Objlnk => Scalar::ObjLink,
        ResourceType::Corelnk => Scalar::CoreLink,
        ResourceType::String | ResourceType::None => Scalar::Str,
    };
    if enumeration.is_some() {
        let name = types
            .claim_camel(&ident::camel(&def.name, def.id), def.id)
            .0;
        let mut variants = Namespace::with(&["Other"]);
        let list = def
            .enumeration
            .iter()
            .map(|v| {
                let want = match ident::camel(&v.label, 0).as_str() {
                    "_0" => format!("Value{}", v.value),
                    s => s.to_owned(),
                };
                let id = variants.claim_camel(&want, v.value).0;
                (id, v.value, v.label.to_string())
            })
            .collect();
        let plan = EnumPlan {
            name,
            raw: scalar,
            variants: list,
        };
        let kind = Kind::Data {
            scalar: Scalar::Enum,
            check: None,
            enumeration: Some(plan),
        };
        return (kind, None);
    }
    let (check, unchecked) = check(def, scalar, &spans, int_spans, inverted);
    let kind = Kind::Data {
        scalar,
        check,
        enumeration: None,
    };
    (kind, unchecked)
}
