//! Every action the user can trigger, by key, by the command palette, or by name.
//!
//! Actions are data: `config/keymap.toml` binds keys to them by their snake-case name,
//! and screens match on `Action`, never on raw keys.

macro_rules! actions {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A user-level command. The name is what `config/keymap.toml` and the palette use.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            /// All actions, in a stable order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The snake-case name used in the keymap file and the palette.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),* }
            }

            /// Parses a snake-case action name.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit",
    Help => "help",
    Palette => "palette",
    Back => "back",
    Confirm => "confirm",
    Up => "up",
    Down => "down",
    PageUp => "page_up",
    PageDown => "page_down",
    Top => "top",
    Bottom => "bottom",
    Open => "open",
    Filter => "filter",
    FilterAccept => "filter_accept",
    FilterClear => "filter_clear",
    ToggleMatchMode => "toggle_match_mode",
    ToggleGroup => "toggle_group",
    CollapseGroup => "collapse_group",
    ExpandGroup => "expand_group",
    CollapseAll => "collapse_all",
    ExpandAll => "expand_all",
    Reload => "reload",
    ToggleLanguage => "toggle_language",
    Redraw => "redraw",
    NextField => "next_field",
    PrevField => "prev_field",
    NewDossier => "new_dossier",
    SaveDossier => "save_dossier",
    SaveAndNew => "save_and_new",
    CopySubmitter => "copy_submitter",
    CycleSource => "cycle_source",
    DiscardDraft => "discard_draft",
    EditDossier => "edit_dossier",
    ShowReceipt => "show_receipt",
    ExportReceipt => "export_receipt",
    Dossiers => "dossiers",
    PrevDay => "prev_day",
    NextDay => "next_day",
    Today => "today",
    AllDays => "all_days",
    PopulationCheck => "population_check",
    VerifyId => "verify_id",
    DigitalIdentity => "digital_identity",
    TakeValue => "take_value",
    TakeAllDiffering => "take_all_differing",
    ApplyTaken => "apply_taken",
    EditInputs => "edit_inputs",
    UndoTake => "undo_take",
    AuditLog => "audit_log",
    Household => "household",
    ToggleSelect => "toggle_select",
    VerifySelected => "verify_selected",
    VerifyAll => "verify_all",
    RetryFailed => "retry_failed",
    CancelBatch => "cancel_batch",
    RemoveMember => "remove_member",
    ExportHousehold => "export_household",
    AddFromDossier => "add_from_dossier",
    ReadCard => "read_card",
    NextExpiry => "next_expiry",
    TakeQr => "take_qr",
    TakeCard => "take_card",
    SyncScreen => "sync_screen",
    SyncNow => "sync_now",
    Requeue => "requeue",
    RequeueAll => "requeue_all",
    DemoBackend => "demo_backend",
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(seen.insert(a.name()), "duplicate name {a}");
        }
        assert_eq!(Action::from_name("no_such_action"), None);
    }
}
