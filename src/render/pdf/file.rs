//! PDF file assembly: numbered objects → bytes.
//!
//! Streams are written as top-level objects; every other object goes into a
//! single compressed object stream, and the cross-reference table is a
//! compressed cross-reference stream (PDF 1.5+), which together take a few
//! hundred bytes where a classic table and plain dictionaries took several
//! kilobytes. The output depends only on the objects: the trailer's `/ID` is
//! a hash of the bytes written before it, so unchanged input gives a
//! byte-identical file.

use std::fmt::Write as _;

use super::deflate;

/// An object's body.
pub(crate) enum Obj {
    /// A non-stream object (dictionary, array …), serialised.
    Direct(Vec<u8>),
    /// A stream: dictionary entries (without `<<`, `>>` and `/Length`) and
    /// the data as stored (already encoded if the entries name a filter).
    Stream { dict: String, data: Vec<u8> },
}

impl Obj {
    /// A stream of `raw`, deflated when that makes it smaller.
    pub(crate) fn deflated(dict: impl Into<String>, raw: &[u8]) -> Obj {
        let mut dict = dict.into();
        let z = deflate::zlib(raw);
        if z.len() + 20 < raw.len() {
            dict.push_str("/Filter/FlateDecode");
            Obj::Stream { dict, data: z }
        } else {
            Obj::Stream {
                dict,
                data: raw.to_vec(),
            }
        }
    }

    /// A dictionary or other direct object from text.
    pub(crate) fn text(s: impl Into<String>) -> Obj {
        Obj::Direct(s.into().into_bytes())
    }
}

/// Objects numbered from 1, in the order they are reserved.
#[derive(Default)]
pub(crate) struct PdfFile {
    objects: Vec<Option<Obj>>,
}

impl PdfFile {
    /// Reserves the next object number.
    pub(crate) fn reserve(&mut self) -> u32 {
        self.objects.push(None);
        self.objects.len() as u32
    }

    /// Sets the body of a reserved object.
    pub(crate) fn set(&mut self, id: u32, obj: Obj) {
        if let Some(slot) = self.objects.get_mut(id as usize - 1) {
            *slot = Some(obj);
        }
    }

    /// Adds an object and returns its number.
    pub(crate) fn add(&mut self, obj: Obj) -> u32 {
        self.objects.push(Some(obj));
        self.objects.len() as u32
    }

    /// Serialises the file with `root` as the catalog and `info` as the
    /// document information dictionary. Reserved objects never set are
    /// written as `null`.
    pub(crate) fn finish(self, root: u32, info: Option<u32>) -> Vec<u8> {
        let n = self.objects.len();
        let objstm_id = n as u32 + 1;
        let xref_id = n as u32 + 2;
        let size = xref_id as usize + 1;
        let mut out = Vec::with_capacity(
            self.objects
                .iter()
                .map(|o| match o {
                    Some(Obj::Stream { data, .. }) => data.len() + 64,
                    _ => 0,
                })
                .sum::<usize>()
                + 4096,
        );
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        // (type, field 2, field 3) per object number.
        let mut xref: Vec<(u8, u64, u16)> = vec![(0, 0, 0xFFFF); size];
        let mut packed_head = String::new();
        let mut packed_body: Vec<u8> = Vec::new();
        let mut index = 0u16;
        for (i, obj) in self.objects.into_iter().enumerate() {
            let id = i as u32 + 1;
            match obj {
                Some(Obj::Stream { dict, data }) => {
                    xref[id as usize] = (1, out.len() as u64, 0);
                    write_stream(&mut out, id, &dict, &data);
                }
                other => {
                    let body = match other {
                        Some(Obj::Direct(b)) => b,
                        _ => b"null".to_vec(),
                    };
                    xref[id as usize] = (2, u64::from(objstm_id), index);
                    index += 1;
                    let _ = write!(packed_head, "{id} {} ", packed_body.len());
                    packed_body.extend_from_slice(&body);
                    packed_body.push(b'\n');
                }
            }
        }
        if index > 0 {
            let first = packed_head.len();
            let mut raw = packed_head.into_bytes();
            raw.extend_from_slice(&packed_body);
            let Obj::Stream { dict, data } =
                Obj::deflated(format!("/Type/ObjStm/N {index}/First {first}"), &raw)
            else {
                unreachable!("deflated always makes a stream")
            };
            xref[objstm_id as usize] = (1, out.len() as u64, 0);
            write_stream(&mut out, objstm_id, &dict, &data);
        }
        let xref_at = out.len() as u64;
        xref[xref_id as usize] = (1, xref_at, 0);
        let max = xref.iter().map(|e| e.1).max().unwrap_or(0);
        let w2 = (1..=8).find(|&b| max < 1u64 << (8 * b)).unwrap_or(8);
        let mut table = Vec::with_capacity(size * (3 + w2));
        for (t, f2, f3) in &xref {
            table.push(*t);
            table.extend_from_slice(&f2.to_be_bytes()[8 - w2..]);
            table.extend_from_slice(&f3.to_be_bytes());
        }
        let id = hash_hex(&out);
        let info = info.map(|i| format!("/Info {i} 0 R")).unwrap_or_default();
        let Obj::Stream { dict, data } = Obj::deflated(
            format!("/Type/XRef/Size {size}/W[1 {w2} 2]/Root {root} 0 R{info}/ID[<{id}><{id}>]"),
            &table,
        ) else {
            unreachable!("deflated always makes a stream")
        };
        write_stream(&mut out, xref_id, &dict, &data);
        let _ = write_bytes(&mut out, format_args!("startxref\n{xref_at}\n%%EOF\n"));
        out
    }
}

fn write_bytes(out: &mut Vec<u8>, args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    std::io::Write::write_fmt(out, args)
}

fn write_stream(out: &mut Vec<u8>, id: u32, dict: &str, data: &[u8]) {
    let _ = write_bytes(
        out,
        format_args!("{id} 0 obj\n<<{dict}/Length {}>>stream\n", data.len()),
    );
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// 128-bit hash of `data` as 32 hex digits (for the trailer `/ID`).
fn hash_hex(data: &[u8]) -> String {
    let mut a: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut b: u64 = 0xC2B2_AE3D_27D4_EB4F ^ data.len() as u64;
    let mix = |h: u64, v: u64, k: u64| {
        let x = (h ^ v).wrapping_mul(k);
        x ^ (x >> 29)
    };
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        a = mix(a, v, 0xFF51_AFD7_ED55_8CCD).rotate_left(23);
        b = mix(b, v.rotate_left(17), 0xC4CE_B9FE_1A85_EC53).rotate_left(31);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    let v = u64::from_le_bytes(tail);
    a = mix(a, v, 0xFF51_AFD7_ED55_8CCD);
    b = mix(b, v, 0xC4CE_B9FE_1A85_EC53);
    let fin = |mut h: u64| {
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    };
    let (a, b) = (fin(a ^ b.rotate_left(7)), fin(b ^ a));
    format!("{a:016X}{b:016X}")
}

/// A PDF string for text: a literal for printable ASCII, UTF-16BE hex with
/// a byte-order mark otherwise.
pub(crate) fn text_string(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        literal(s.as_bytes())
    } else {
        let mut out = String::from("<FEFF");
        for u in s.encode_utf16() {
            let _ = write!(out, "{u:04X}");
        }
        out.push('>');
        out
    }
}

/// A literal string `( … )` with `\`, parentheses and non-printable bytes
/// escaped.
pub(crate) fn literal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..0x7F => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(text_string("a(b)\\c"), "(a\\(b\\)\\\\c)");
        assert_eq!(text_string("手"), "<FEFF624B>");
        assert_eq!(literal(b"\n"), "(\\012)");
    }

    #[test]
    fn same_objects_same_bytes_and_a_valid_xref() {
        let build = || {
            let mut f = PdfFile::default();
            let root = f.reserve();
            let pages = f.add(Obj::text("<</Type/Pages/Kids[]/Count 0>>"));
            f.set(
                root,
                Obj::text(format!("<</Type/Catalog/Pages {pages} 0 R>>")),
            );
            f.add(Obj::deflated("", &b"0 0 m 10 10 l S\n".repeat(50)));
            f.finish(root, None)
        };
        let a = build();
        assert_eq!(a, build());
        assert!(a.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&a);
        let at: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        assert!(
            a[at..].starts_with(b"5 0 obj\n<</Type/XRef/Size 6/W[1 "),
            "{}",
            String::from_utf8_lossy(&a[at.min(a.len())..])
        );
        assert_ne!(hash_hex(b"a"), hash_hex(b"b"));
        assert_eq!(hash_hex(b"").len(), 32);
    }
}
