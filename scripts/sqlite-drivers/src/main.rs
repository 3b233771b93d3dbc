//! Reads 3,650 journal-like rows (4.2 MB of payloads) through sqlx row by
//! row, sqlx as one packed blob, rusqlite on the calling thread and rusqlite
//! on tokio's blocking pool; then one row by id, 100 times, both ways.
//! Medians of 40 runs. ARCHITECTURE.md ("Reading many rows") has the figures.
use std::time::Instant;
use sqlx::Row;

fn median(mut v: Vec<f64>) -> f64 { v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v[v.len() / 2] }

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = "/tmp/sqlite-drivers.db";
    let _ = std::fs::remove_file(path);
    {
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE entries(id TEXT PRIMARY KEY, user_id TEXT, occurred_at INTEGER, created_at INTEGER, updated_at INTEGER, version INTEGER, payload BLOB); CREATE INDEX e_u ON entries(user_id, occurred_at, id);").unwrap();
        let tx = c.unchecked_transaction().unwrap();
        let mut seed: u64 = 1;
        for i in 0..3650i64 {
            let mut p = vec![0u8; 1150];
            for b in p.iter_mut() { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; *b = seed as u8; }
            tx.execute("INSERT INTO entries VALUES (?1,'u1',?2,?2,?2,1,?3)", rusqlite::params![format!("0192e4a0-{i:04}-7000-8000-000000000000"), 1_600_000_000 + i * 86400, p]).unwrap();
        }
        tx.commit().unwrap();
    }
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(2)
        .connect(&format!("sqlite://{path}")).await.unwrap();
    let q = "SELECT id, user_id, occurred_at, created_at, updated_at, version, payload FROM entries WHERE user_id='u1' ORDER BY occurred_at, id";
    let packed = "SELECT CAST(group_concat(id || '|' || occurred_at || '|' || created_at || '|' || updated_at || '|' || version || '|' || length(payload) || '|' || payload, '') AS BLOB) AS p FROM (SELECT * FROM entries WHERE user_id='u1' ORDER BY occurred_at, id)";
    let n = 40;
    let mut a = vec![]; let mut b = vec![]; let mut c = vec![]; let mut d = vec![]; let mut e = vec![];
    let rc = rusqlite::Connection::open(path).unwrap();
    let shared = std::sync::Arc::new(std::sync::Mutex::new(rusqlite::Connection::open(path).unwrap()));
    for _ in 0..n {
        let t = Instant::now();
        let rows = sqlx::query(q).fetch_all(&pool).await.unwrap();
        let bytes: usize = rows.iter().map(|r| r.get::<Vec<u8>, _>("payload").len()).sum();
        a.push(t.elapsed().as_secs_f64() * 1e3); assert!(bytes > 4_000_000);
        let t = Instant::now();
        let row = sqlx::query(packed).fetch_one(&pool).await.unwrap();
        let p: Vec<u8> = row.get("p");
        b.push(t.elapsed().as_secs_f64() * 1e3); assert!(p.len() > 4_000_000);
        let t = Instant::now();
        let mut st = rc.prepare_cached(q).unwrap();
        let v: Vec<(String, i64, Vec<u8>)> = st.query_map([], |r| Ok((r.get(0)?, r.get(2)?, r.get(6)?))).unwrap().map(|r| r.unwrap()).collect();
        c.push(t.elapsed().as_secs_f64() * 1e3); assert_eq!(v.len(), 3650);
        let t = Instant::now();
        let s2 = shared.clone();
        let v = tokio::task::spawn_blocking(move || {
            let c = s2.lock().unwrap();
            let mut st = c.prepare_cached(q).unwrap();
            st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(2)?, r.get::<_, Vec<u8>>(6)?))).unwrap().map(|r| r.unwrap()).collect::<Vec<_>>()
        }).await.unwrap();
        d.push(t.elapsed().as_secs_f64() * 1e3); assert_eq!(v.len(), 3650);
        // small query: one row by id, the per-request shape
        let t = Instant::now();
        for i in 0..100 { let _r = sqlx::query("SELECT payload FROM entries WHERE id=?").bind(format!("0192e4a0-{i:04}-7000-8000-000000000000")).fetch_one(&pool).await.unwrap(); }
        e.push(t.elapsed().as_secs_f64() * 1e3 / 100.0);
    }
    let mut f = vec![];
    for _ in 0..n {
        let t = Instant::now();
        for i in 0..100 {
            let s2 = shared.clone();
            let _ = tokio::task::spawn_blocking(move || { let c = s2.lock().unwrap(); let mut st = c.prepare_cached("SELECT payload FROM entries WHERE id=?").unwrap(); st.query_row([format!("0192e4a0-{i:04}-7000-8000-000000000000")], |r| r.get::<_, Vec<u8>>(0)).unwrap() }).await.unwrap();
        }
        f.push(t.elapsed().as_secs_f64() * 1e3 / 100.0);
    }
    println!("all rows, sqlx row by row:      {:.2} ms", median(a));
    println!("all rows, sqlx packed blob:     {:.2} ms", median(b));
    println!("all rows, rusqlite same thread: {:.2} ms", median(c));
    println!("all rows, rusqlite spawn_block: {:.2} ms", median(d));
    println!("one row by id, sqlx:            {:.3} ms", median(e));
    println!("one row by id, rusqlite blocking:{:.3} ms", median(f));
}
