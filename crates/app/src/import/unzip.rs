//! Reading members out of a zip archive within hard limits, whatever its
//! headers claim: a zip listing more than [`Limits::members`] members is
//! refused before any is read, and members are unpacked through
//! `Read::take`, so no more than [`Limits::bytes`] are ever unpacked in all
//! (the sizes a zip states are never trusted). Zips inside the zip,
//! encrypted members and compression methods other than stored and deflate
//! are refused. Only the members `wanted` picks are unpacked; the rest
//! (photos) are skipped unread. The central directory is walked one header
//! at a time, so memory stays bounded by what is unpacked.

use std::io::{self, Read, Seek, SeekFrom};

use between_domain::{echo, ValidationErrors};

/// How much one zip may list and unpack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most members (files and folders) it may list.
    pub members: u64,
    /// The most bytes unpacked from all its members together.
    pub bytes: u64,
}

/// One member read out of a zip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub bytes: Vec<u8>,
}

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EOCD: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The end record is 22 bytes plus a comment of at most 65,535.
const MAX_TAIL: u64 = 22 + 0xFFFF;

fn refused(why: String) -> ValidationErrors {
    ValidationErrors::single("file", why)
}

fn damaged(what: &str) -> ValidationErrors {
    refused(format!(
        "This zip file cannot be read ({what}): it may be damaged or cut off. Export it again."
    ))
}

fn io_damaged(_: io::Error) -> ValidationErrors {
    damaged("it ends early")
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn read_exact_at<R: Read + Seek>(
    r: &mut R,
    at: u64,
    buf: &mut [u8],
) -> Result<(), ValidationErrors> {
    r.seek(SeekFrom::Start(at)).map_err(io_damaged)?;
    r.read_exact(buf).map_err(io_damaged)
}

/// Where the central directory is and how many members it lists.
struct Directory {
    members: u64,
    offset: u64,
    size: u64,
    /// Where the end records start: the directory must end before.
    end: u64,
}

fn directory<R: Read + Seek>(r: &mut R) -> Result<Directory, ValidationErrors> {
    let len = r.seek(SeekFrom::End(0)).map_err(io_damaged)?;
    if len < 22 {
        return Err(damaged("it is too short to be a zip"));
    }
    let tail_start = len - len.min(MAX_TAIL);
    let mut tail = vec![0u8; (len - tail_start) as usize];
    read_exact_at(r, tail_start, &mut tail)?;
    // The last end record whose comment fits in the file.
    let at = (0..=tail.len() - 22)
        .rev()
        .find(|&i| {
            u32_at(&tail, i) == EOCD && i + 22 + usize::from(u16_at(&tail, i + 20)) <= tail.len()
        })
        .ok_or_else(|| damaged("it has no end record"))?;
    let end = tail_start + at as u64;
    let record = &tail[at..at + 22];
    let mut dir = Directory {
        members: u64::from(u16_at(record, 10)),
        size: u64::from(u32_at(record, 12)),
        offset: u64::from(u32_at(record, 16)),
        end,
    };
    // A ZIP64 locator just before the end record holds the real numbers.
    if end >= 20 {
        let mut locator = [0u8; 20];
        read_exact_at(r, end - 20, &mut locator)?;
        if u32_at(&locator, 0) == ZIP64_LOCATOR {
            let at64 = u64_at(&locator, 8);
            if at64.checked_add(56).is_none_or(|e| e > end - 20) {
                return Err(damaged("its ZIP64 end record is out of place"));
            }
            let mut record64 = [0u8; 56];
            read_exact_at(r, at64, &mut record64)?;
            if u32_at(&record64, 0) != ZIP64_EOCD {
                return Err(damaged("its ZIP64 end record is missing"));
            }
            dir = Directory {
                members: u64_at(&record64, 32),
                size: u64_at(&record64, 40),
                offset: u64_at(&record64, 48),
                end: at64,
            };
        }
    }
    if dir.offset.checked_add(dir.size).is_none_or(|e| e > dir.end) {
        return Err(damaged("its directory is out of place"));
    }
    Ok(dir)
}

/// A member the caller wants, as the central directory describes it.
struct Wanted {
    name: String,
    method: u16,
    crc: u32,
    packed: u64,
    /// Where its local header starts.
    offset: u64,
}

/// The 64-bit sizes and offset of a ZIP64 member, in its extra field.
fn zip64_values(extra: &[u8], unpacked: &mut u64, packed: &mut u64, offset: &mut u64) {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let (id, size) = (u16_at(extra, at), usize::from(u16_at(extra, at + 2)));
        let data = &extra[at + 4..(at + 4 + size).min(extra.len())];
        if id == 0x0001 {
            let mut i = 0;
            for value in [unpacked, packed, offset] {
                if *value == 0xFFFF_FFFF && i + 8 <= data.len() {
                    *value = u64_at(data, i);
                    i += 8;
                }
            }
            return;
        }
        at += 4 + size;
    }
}

/// Lists the members, refusing a zip of too many, and keeps those wanted.
fn wanted_members<R: Read + Seek>(
    r: &mut R,
    dir: &Directory,
    limits: Limits,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<Wanted>, ValidationErrors> {
    if dir.members > limits.members {
        return Err(refused(format!(
            "This zip lists {} files; Between reads zips of at most {} files. Is it a Day One export?",
            dir.members, limits.members
        )));
    }
    r.seek(SeekFrom::Start(dir.offset)).map_err(io_damaged)?;
    let mut directory = r.by_ref().take(dir.size);
    let mut out = Vec::new();
    for _ in 0..dir.members {
        let mut header = [0u8; 46];
        directory.read_exact(&mut header).map_err(io_damaged)?;
        if u32_at(&header, 0) != CENTRAL {
            return Err(damaged("its directory is damaged"));
        }
        let mut name = vec![0u8; usize::from(u16_at(&header, 28))];
        directory.read_exact(&mut name).map_err(io_damaged)?;
        let mut extra = vec![0u8; usize::from(u16_at(&header, 30))];
        directory.read_exact(&mut extra).map_err(io_damaged)?;
        let comment = u64::from(u16_at(&header, 32));
        if io::copy(&mut directory.by_ref().take(comment), &mut io::sink()).map_err(io_damaged)?
            != comment
        {
            return Err(damaged("its directory is cut off"));
        }
        let name = String::from_utf8_lossy(&name).into_owned();
        if name.to_ascii_lowercase().ends_with(".zip") {
            return Err(nested(&name));
        }
        if !wanted(&name) {
            continue;
        }
        if u16_at(&header, 8) & 1 == 1 {
            return Err(refused(format!(
                "{} in the zip is encrypted; export it again without a password.",
                echo::quote(&name)
            )));
        }
        let (mut unpacked, mut packed, mut offset) = (
            u64::from(u32_at(&header, 24)),
            u64::from(u32_at(&header, 20)),
            u64::from(u32_at(&header, 42)),
        );
        zip64_values(&extra, &mut unpacked, &mut packed, &mut offset);
        out.push(Wanted {
            name,
            method: u16_at(&header, 10),
            crc: u32_at(&header, 16),
            packed,
            offset,
        });
    }
    Ok(out)
}

fn nested(name: &str) -> ValidationErrors {
    refused(format!(
        "This zip holds another zip ({}); Between does not unpack zips inside zips.",
        echo::quote(name)
    ))
}

/// Unpacks one member with at most `budget` bytes, counted as they come.
fn unpack<R: Read + Seek>(
    r: &mut R,
    m: &Wanted,
    budget: u64,
    total: u64,
) -> Result<Vec<u8>, ValidationErrors> {
    let mut local = [0u8; 30];
    read_exact_at(r, m.offset, &mut local)?;
    if u32_at(&local, 0) != LOCAL {
        return Err(damaged("a file's header is missing"));
    }
    let start = m.offset + 30 + u64::from(u16_at(&local, 26)) + u64::from(u16_at(&local, 28));
    r.seek(SeekFrom::Start(start)).map_err(io_damaged)?;
    let packed = r.by_ref().take(m.packed);
    let reader: Box<dyn Read + '_> = match m.method {
        0 => Box::new(packed),
        8 => Box::new(flate2::read::DeflateDecoder::new(packed)),
        other => {
            return Err(refused(format!(
                "{} in the zip is compressed in a way Between cannot read (method {other}); export it again.",
                echo::quote(&m.name)
            )))
        }
    };
    let mut bytes = Vec::new();
    reader
        .take(budget + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| damaged("a file in it does not unpack"))?;
    if bytes.len() as u64 > budget {
        return Err(refused(format!(
            "This zip unpacks to more than {} (at {}), the most Between imports from one file.",
            echo::size(total),
            echo::quote(&m.name)
        )));
    }
    let mut crc = flate2::Crc::new();
    crc.update(&bytes);
    if crc.sum() != m.crc {
        return Err(damaged("a file in it fails its checksum"));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return Err(nested(&m.name));
    }
    Ok(bytes)
}

/// Reads the members `wanted` picks (by name) out of `zip`, within `limits`.
pub fn read<R: Read + Seek>(
    mut zip: R,
    limits: Limits,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<Member>, ValidationErrors> {
    let dir = directory(&mut zip)?;
    let members = wanted_members(&mut zip, &dir, limits, &wanted)?;
    let mut left = limits.bytes;
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let bytes = unpack(&mut zip, &m, left, limits.bytes)?;
        left -= bytes.len() as u64;
        out.push(Member {
            name: m.name,
            bytes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::zips;
    use std::io::Cursor;

    const LIMITS: Limits = Limits {
        members: 100,
        bytes: 1024 * 1024,
    };

    fn json(name: &str) -> bool {
        name.ends_with(".json")
    }

    fn why(err: ValidationErrors) -> String {
        err.get("file").unwrap().to_string()
    }

    #[test]
    fn wanted_members_are_unpacked_and_the_rest_skipped() {
        let zip = zips::zip(&[
            ("Journal.json", b"{\"entries\": []}"),
            ("photos/a.jpeg", b"\xff\xd8"),
        ]);
        let members = read(Cursor::new(zip), LIMITS, json).unwrap();
        assert_eq!(
            members,
            vec![Member {
                name: "Journal.json".into(),
                bytes: b"{\"entries\": []}".to_vec()
            }]
        );
    }

    #[test]
    fn zips_written_by_the_zip_crate_are_read() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, method) in [
            ("a.json", zip::CompressionMethod::Deflated),
            ("b.json", zip::CompressionMethod::Stored),
        ] {
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            z.start_file(name, opts).unwrap();
            z.write_all(name.repeat(1000).as_bytes()).unwrap();
        }
        z.finish().unwrap();
        let members = read(Cursor::new(buf.into_inner()), LIMITS, json).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[1].bytes, "b.json".repeat(1000).into_bytes());
    }

    #[test]
    fn a_bomb_stops_at_the_byte_budget_whatever_its_headers_claim() {
        // Headers claim 1 KiB; the stream unpacks to 64 MiB.
        let bomb = zips::bomb("Journal.json", 64);
        assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
        let err = why(read(Cursor::new(bomb), LIMITS, json).unwrap_err());
        assert!(
            err.contains("This zip unpacks to more than 1 MiB (at \"Journal.json\"), the most Between imports from one file."),
            "{err}"
        );
    }

    #[test]
    fn the_budget_counts_all_members_together() {
        let half = vec![b' '; 600 * 1024];
        let zip = zips::zip(&[("a.json", &half), ("b.json", &half)]);
        let err = why(read(Cursor::new(zip), LIMITS, json).unwrap_err());
        assert!(err.contains("more than 1 MiB (at \"b.json\")"), "{err}");
    }

    #[test]
    fn a_zip_listing_too_many_members_is_refused_before_reading_any() {
        for claimed in [101, 65_535, 4_000_000_000] {
            let err =
                why(read(Cursor::new(zips::claiming_members(claimed)), LIMITS, json).unwrap_err());
            assert!(
                err.contains(&format!(
                    "This zip lists {claimed} files; Between reads zips of at most 100 files"
                )),
                "{err}"
            );
        }
    }

    #[test]
    fn zips_inside_zips_are_refused() {
        let inner = zips::zip(&[("Journal.json", b"{}")]);
        for zip in [
            zips::zip(&[("inner.zip", &inner)]),
            zips::zip(&[("Journal.json", &inner)]),
        ] {
            let err = why(read(Cursor::new(zip), LIMITS, json).unwrap_err());
            assert!(err.contains("holds another zip"), "{err}");
        }
    }

    #[test]
    fn damaged_zips_are_refused_with_a_reason() {
        let good = zips::zip(&[("Journal.json", b"{\"entries\": []}")]);
        for (bytes, reason) in [
            (b"PK\x03\x04broken".to_vec(), "too short"),
            (
                b"PK\x03\x04 no end record here at all, none".to_vec(),
                "no end record",
            ),
            (good[..good.len() - 30].to_vec(), "no end record"),
            (
                {
                    let mut b = good.clone();
                    b[44] ^= 0xFF; // a byte of the packed data
                    b
                },
                "",
            ),
        ] {
            let err = why(read(Cursor::new(bytes), LIMITS, json).unwrap_err());
            assert!(
                err.contains("cannot be read") && err.contains(reason),
                "{err}"
            );
        }
    }

    #[test]
    fn long_member_names_are_cut_in_messages() {
        let name = format!("{}.json", "x".repeat(60_000));
        let zip = zips::bomb(&name, 2);
        let err = why(read(Cursor::new(zip), LIMITS, json).unwrap_err());
        assert!(err.len() < 400, "{}", err.len());
    }
}
