//! Each Terraform type declared once: one table per resource and data source gives every attribute's
//! whole behaviour — name, type, role, description, allowed values, default, sensitivity, write-only,
//! the object type it applies to or is required for, its check, replacement rule, identity membership
//! and whether generated configuration sets it. The schema and docs come from it here; validation,
//! replacements, generated configuration, identity and the computed-unknown marking in `derived`.

mod attr;
mod derived;

pub use attr::{block, Attr, AttrType, Compare, Nesting, Replaces, Role};
#[cfg(test)]
pub use derived::names;
pub use derived::{
    check_for_type, check_values, generated_config, identity_attributes, mark_computed_unknown,
    missing_for_type, reject_computed, replacements, string_value, values_of, write_only, Fields, Unknowable,
};
