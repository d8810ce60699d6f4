//! Values chosen by name on the command line and in the API (orders, periods…): one list of
//! them, their names, and parsing that lists the names when it fails.

/// For an enum of unit variants: `ALL`, `name()` and `FromStr` by those names.
macro_rules! named {
    ($type:ty, $($variant:ident = $name:literal),+) => {
        impl $type {
            /// Every value, as offered to users.
            pub const ALL: &'static [$type] = &[$(<$type>::$variant),+];

            /// The value's name, as the command line and the API spell it.
            pub fn name(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $type {
            type Err = String;

            /// A value by its name; the error lists the names.
            fn from_str(name: &str) -> std::result::Result<Self, String> {
                Self::ALL.iter().copied().find(|v| v.name() == name).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.name()).collect();
                    let (last, others) = names.split_last().expect("there are values");
                    format!("give {} or {last}", others.join(", "))
                })
            }
        }
    };
}

pub(crate) use named;
