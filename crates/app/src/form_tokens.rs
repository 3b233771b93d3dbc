//! Tokens the server hands out before sign-in (the double-submit form token
//! of the sign-in, sign-up and recovery pages) and must recognise as its
//! own: a random nonce with a MAC under the site key, so a cookie someone
//! else set (a sibling subdomain "tossing" a cookie of a value it knows) is
//! not accepted. The site key is random, kept in the store so every server
//! of a deployment shares it, and opens nothing people wrote.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::App;

const SITE_KEY: &str = "site_key";

impl App {
    async fn site_key(&self) -> Result<&Key, AppError> {
        self.site_key
            .get_or_try_init(|| async {
                let stored = self
                    .store
                    .meta_or_insert(SITE_KEY, &crypto::new_secret())
                    .await?;
                let bytes = URL_SAFE_NO_PAD
                    .decode(stored.as_bytes())
                    .map_err(|_| AppError::Corrupt("the site key is not base64".into()))?;
                Key::from_slice(&bytes)
                    .map_err(|_| AppError::Corrupt("the site key is not 32 bytes".into()))
            })
            .await
    }

    fn form_token_mac(key: &Key, nonce: &str) -> String {
        URL_SAFE_NO_PAD
            .encode(crypto::derive(key.as_bytes(), &format!("form-token|{nonce}")).as_bytes())
    }

    /// A new form token for a browser that is not signed in.
    pub async fn new_form_token(&self) -> Result<String, AppError> {
        let nonce = crypto::new_secret();
        let mac = Self::form_token_mac(self.site_key().await?, &nonce);
        Ok(format!("{nonce}.{mac}"))
    }

    /// Whether `token` is one this deployment handed out.
    pub async fn is_own_form_token(&self, token: &str) -> Result<bool, AppError> {
        let Some((nonce, mac)) = token.split_once('.') else {
            return Ok(false);
        };
        if nonce.len() != 43 || mac.len() != 43 {
            return Ok(false);
        }
        let expected = Self::form_token_mac(self.site_key().await?, nonce);
        Ok(crypto::same_bytes(expected.as_bytes(), mac.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use crate::{App, Config};

    #[tokio::test]
    async fn only_tokens_this_store_handed_out_are_its_own() {
        let db = between_store::testing::TestDb::sqlite().await;
        let app = App::new(db.store.clone(), Config::testing());
        let token = app.new_form_token().await.unwrap();
        assert!(app.is_own_form_token(&token).await.unwrap());
        // Another server on the same store recognises it.
        let twin = App::new(db.store.clone(), Config::testing());
        assert!(twin.is_own_form_token(&token).await.unwrap());
        let (nonce, _) = token.split_once('.').unwrap();
        let forged = format!("{nonce}.{}", "A".repeat(43));
        for bad in [forged.as_str(), nonce, "", "a.b", "x".repeat(87).as_str()] {
            assert!(!app.is_own_form_token(bad).await.unwrap(), "{bad}");
        }
        let elsewhere = between_store::testing::TestDb::sqlite().await;
        let other = App::new(elsewhere.store.clone(), Config::testing());
        assert!(!other.is_own_form_token(&token).await.unwrap());
    }
}
