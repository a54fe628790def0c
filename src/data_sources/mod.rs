//! Data sources: one file per Terraform type.

pub mod connection;
pub mod connections;
pub mod interconnect;
pub mod interconnect_loa;
pub mod interconnects;
pub mod settings;
pub mod slots;

pub use connection::ConnectionDataSource;
pub use connections::ConnectionsDataSource;
pub use interconnect::InterconnectDataSource;
pub use interconnect_loa::LoaDataSource;
pub use interconnects::InterconnectsDataSource;
pub use settings::SettingsDataSource;
pub use slots::SlotsDataSource;

#[cfg(test)]
mod tests {
    use crate::attributes::names;

    #[test]
    fn each_state_struct_and_its_attribute_table_declare_the_same_attributes() {
        let pairs = [
            names(
                &super::interconnects::ATTRIBUTES,
                &[],
                &super::interconnects::InterconnectsState::default(),
            ),
            names(
                &super::interconnect::attribute_table(),
                &[],
                &crate::shared::InterconnectItem::default(),
            ),
            names(
                &super::interconnect_loa::ATTRIBUTES,
                &[],
                &super::interconnect_loa::LoaState::default(),
            ),
            names(
                &super::connections::ATTRIBUTES,
                &[],
                &super::connections::ConnectionsState::default(),
            ),
            names(
                &super::connection::attribute_table(),
                &[],
                &crate::shared::ConnectionItem::default(),
            ),
            names(
                &super::settings::ATTRIBUTES,
                &[],
                &super::settings::SettingsDataState::default(),
            ),
            names(
                &super::slots::ATTRIBUTES,
                &[],
                &super::slots::SlotsState::default(),
            ),
        ];
        for (declared, fields) in pairs {
            assert_eq!(declared, fields);
        }
    }
}
