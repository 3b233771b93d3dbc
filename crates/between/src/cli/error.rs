//! How the CLI fails: input errors (exit 2) say what was wrong with the
//! command; system errors (exit 1) carry context about what was being done.

use between_app::AppError;

#[derive(Debug)]
pub enum CliError {
    /// Something wrong with what was typed: a bad value, an unknown id, a malformed file.
    Input(String),
    /// Storage, IO or another failure of the system.
    System(anyhow::Error),
}

impl CliError {
    pub fn input(message: impl Into<String>) -> CliError {
        CliError::Input(message.into())
    }

    pub fn message(&self) -> String {
        match self {
            CliError::Input(message) => message.clone(),
            CliError::System(err) => format!("{err:#}"),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::System(_) => 1,
        }
    }
}

impl From<AppError> for CliError {
    fn from(err: AppError) -> Self {
        if err.is_input_error() {
            CliError::Input(err.to_string())
        } else {
            CliError::System(err.into())
        }
    }
}

impl From<between_domain::ValidationErrors> for CliError {
    fn from(err: between_domain::ValidationErrors) -> Self {
        CliError::Input(err.to_string())
    }
}

impl From<between_domain::timespec::TimeError> for CliError {
    fn from(err: between_domain::timespec::TimeError) -> Self {
        CliError::Input(err.to_string())
    }
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> Self {
        CliError::System(err)
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;
