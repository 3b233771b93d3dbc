//! Fixtures shared by the store's test files.

use between_store::{CredentialKind, CredentialRow, KindKeyRow, NewAccount, UserRow};
use uuid::Uuid;

/// A client account with one journal key and a password credential.
pub fn account(name: &str) -> NewAccount {
    let user_id = Uuid::now_v7();
    NewAccount {
        user: UserRow {
            id: user_id,
            name: name.into(),
            role: "client".into(),
            time_zone: "Europe/Berlin".into(),
            created_at: 1,
        },
        kind_keys: vec![KindKeyRow {
            id: Uuid::now_v7(),
            user_id,
            kind: "journal".into(),
            wrapped: vec![1, 2, 3],
            created_at: 1,
            retired_at: None,
            generation: Some(1),
        }],
        credentials: vec![CredentialRow {
            id: Uuid::now_v7(),
            user_id,
            kind: CredentialKind::Password,
            label: "password".into(),
            scope: "full".into(),
            lookup: None,
            salt: Some(vec![9; 16]),
            kdf: Some("argon2id;m=64;t=1;p=1".into()),
            wrapped: vec![4, 5, 6],
            created_at: 1,
            last_used_at: None,
            expires_at: None,
        }],
    }
}
