//! A small zlib (RFC 1950) / deflate (RFC 1951) compressor for the PDF's
//! streams (`/FlateDecode`).
//!
//! lopdf only compresses at level 9, which made deflate alone take more than
//! half of the time to render a handout. This encoder does greedy LZ77
//! matching with a short hash chain and one dynamic-Huffman block per 64 Ki
//! symbols: several times faster, and within a few percent of level 9 on
//! content streams and TrueType subsets.

/// Window size (maximum match distance).
const WINDOW: usize = 32 * 1024;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
const HASH_BITS: u32 = 15;
/// Candidates examined per position.
const MAX_CHAIN: usize = 4;
/// Stop searching once a match this long is found.
const NICE_MATCH: usize = 96;
/// Symbols per block.
const BLOCK_SYMBOLS: usize = 64 * 1024;

/// Compresses `data` into a zlib stream.
pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 3 + 64),
        acc: 0,
        nbits: 0,
    };
    // CMF: deflate, 32K window; FLG: default level, check bits.
    w.out.extend_from_slice(&[0x78, 0x9C]);
    let tokens = lz77(data);
    if tokens.is_empty() {
        write_block(&mut w, &[], true);
    } else {
        let blocks: Vec<&[Token]> = tokens.chunks(BLOCK_SYMBOLS).collect();
        let last = blocks.len() - 1;
        for (i, b) in blocks.iter().enumerate() {
            write_block(&mut w, b, i == last);
        }
    }
    w.flush_byte();
    w.out.extend_from_slice(&adler32(data).to_be_bytes());
    w.out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// A literal byte (`dist == 0`) or a back reference.
#[derive(Clone, Copy)]
struct Token {
    len_or_lit: u16,
    dist: u16,
}

fn hash3(d: &[u8], i: usize) -> usize {
    let v = u32::from(d[i]) | (u32::from(d[i + 1]) << 8) | (u32::from(d[i + 2]) << 16);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

fn lz77(d: &[u8]) -> Vec<Token> {
    let n = d.len();
    let mut tokens = Vec::with_capacity(n / 2 + 16);
    let mut head = vec![u32::MAX; 1 << HASH_BITS];
    let mut prev = vec![u32::MAX; WINDOW];
    let insert = |head: &mut Vec<u32>, prev: &mut Vec<u32>, i: usize| {
        if i + MIN_MATCH <= n {
            let h = hash3(d, i);
            prev[i % WINDOW] = head[h];
            head[h] = i as u32;
        }
    };
    let mut i = 0;
    while i < n {
        let mut best_len = 0;
        let mut best_dist = 0;
        if i + MIN_MATCH <= n {
            let h = hash3(d, i);
            let mut cand = head[h];
            let max_len = (n - i).min(MAX_MATCH);
            let mut chain = 0;
            while cand != u32::MAX && chain < MAX_CHAIN {
                let c = cand as usize;
                if c >= i || i - c > WINDOW - 1 {
                    break;
                }
                // Quick reject on the byte that would extend the best match.
                if d[c + best_len.min(max_len - 1)] == d[i + best_len.min(max_len - 1)] {
                    let mut l = 0;
                    while l < max_len && d[c + l] == d[i + l] {
                        l += 1;
                    }
                    if l > best_len {
                        best_len = l;
                        best_dist = i - c;
                        if l >= NICE_MATCH || l == max_len {
                            break;
                        }
                    }
                }
                let next = prev[c % WINDOW];
                if next != u32::MAX && next as usize >= c {
                    break;
                }
                cand = next;
                chain += 1;
            }
        }
        if best_len >= MIN_MATCH {
            tokens.push(Token {
                len_or_lit: best_len as u16,
                dist: best_dist as u16,
            });
            for k in i..i + best_len {
                insert(&mut head, &mut prev, k);
            }
            i += best_len;
        } else {
            tokens.push(Token {
                len_or_lit: u16::from(d[i]),
                dist: 0,
            });
            insert(&mut head, &mut prev, i);
            i += 1;
        }
    }
    tokens
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    nbits: u32,
}

impl BitWriter {
    /// Writes the low `n` bits of `v`, least significant first.
    fn bits(&mut self, v: u32, n: u32) {
        self.acc |= u64::from(v) << self.nbits;
        self.nbits += n;
        while self.nbits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits -= 8;
        }
    }

    fn flush_byte(&mut self) {
        if self.nbits > 0 {
            self.out.push(self.acc as u8);
        }
        self.acc = 0;
        self.nbits = 0;
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// Order in which code-length code lengths are sent.
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

fn len_code(len: u16) -> usize {
    LEN_BASE.partition_point(|&b| b <= len) - 1
}

fn dist_code(dist: u16) -> usize {
    DIST_BASE.partition_point(|&b| b <= dist) - 1
}

/// Huffman code lengths for `freq`, limited to `limit` bits. Every tree gets
/// at least two codes so that decoders accept it.
fn code_lengths(freq: &[u32], limit: u8) -> Vec<u8> {
    let mut freq = freq.to_vec();
    let used = freq.iter().filter(|&&f| f > 0).count();
    if used < 2 {
        for f in freq.iter_mut().take(2) {
            if *f == 0 {
                *f = 1;
            }
        }
    }
    // Build the tree with a sorted leaf list and a queue of internal nodes.
    let mut leaves: Vec<(u32, usize)> = freq
        .iter()
        .enumerate()
        .filter(|(_, f)| **f > 0)
        .map(|(s, f)| (*f, s))
        .collect();
    leaves.sort_unstable();
    let nl = leaves.len();
    // Node i < nl is a leaf; internal nodes follow. parent[] links upward.
    let mut weight: Vec<u32> = leaves.iter().map(|l| l.0).collect();
    let mut parent = vec![usize::MAX; 2 * nl];
    let (mut li, mut qi) = (0, nl);
    let mut next = nl;
    weight.resize(2 * nl, 0);
    for _ in 0..nl - 1 {
        let pick = |li: &mut usize, qi: &mut usize, next: usize| {
            if *li < nl && (*qi >= next || weight[*li] <= weight[*qi]) {
                *li += 1;
                *li - 1
            } else {
                *qi += 1;
                *qi - 1
            }
        };
        let a = pick(&mut li, &mut qi, next);
        let b = pick(&mut li, &mut qi, next);
        weight[next] = weight[a] + weight[b];
        parent[a] = next;
        parent[b] = next;
        next += 1;
    }
    let mut depth = vec![0u32; 2 * nl];
    for node in (0..next.saturating_sub(1)).rev() {
        depth[node] = depth[parent[node]] + 1;
    }
    let mut lens = vec![0u8; freq.len()];
    for (k, &(_, sym)) in leaves.iter().enumerate() {
        lens[sym] = depth[k].min(u32::from(limit)) as u8;
    }
    // Repair the Kraft sum after clamping: lengthen the longest codes that
    // are still below the limit until the code is a valid prefix code.
    let max = 1u64 << limit;
    let mut kraft: u64 = lens
        .iter()
        .filter(|&&l| l > 0)
        .map(|&l| 1u64 << (limit - l))
        .sum();
    while kraft > max {
        let Some(sym) = (0..lens.len())
            .filter(|&s| lens[s] > 0 && lens[s] < limit)
            .max_by_key(|&s| (lens[s], std::cmp::Reverse(freq[s])))
        else {
            break;
        };
        kraft -= 1u64 << (limit - lens[sym] - 1);
        lens[sym] += 1;
    }
    // Decoders reject incomplete codes: give the slack back to the longest
    // codes that can take it.
    while kraft < max {
        let Some(sym) = (0..lens.len())
            .filter(|&s| lens[s] > 1 && kraft + (1u64 << (limit - lens[s])) <= max)
            .max_by_key(|&s| (lens[s], freq[s]))
        else {
            break;
        };
        kraft += 1u64 << (limit - lens[sym]);
        lens[sym] -= 1;
    }
    lens
}

/// Canonical codes (bit-reversed for LSB-first output) from lengths.
fn canonical(lens: &[u8]) -> Vec<u16> {
    let mut bl_count = [0u16; 16];
    for &l in lens {
        bl_count[usize::from(l)] += 1;
    }
    bl_count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + bl_count[bits - 1]) << 1;
        next[bits] = code;
    }
    lens.iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            c.reverse_bits() >> (16 - l)
        })
        .collect()
}

/// Run-length encodes code lengths with symbols 16/17/18:
/// (symbol, extra bits value, extra bit count).
fn rle_lengths(lens: &[u8]) -> Vec<(u8, u8, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lens.len() {
        let l = lens[i];
        let mut run = 1;
        while i + run < lens.len() && lens[i + run] == l {
            run += 1;
        }
        let mut left = run;
        if l == 0 {
            while left >= 11 {
                let r = left.min(138);
                out.push((18, (r - 11) as u8, 7));
                left -= r;
            }
            if left >= 3 {
                out.push((17, (left - 3) as u8, 3));
                left = 0;
            }
        } else {
            out.push((l, 0, 0));
            left -= 1;
            while left >= 3 {
                let r = left.min(6);
                out.push((16, (r - 3) as u8, 2));
                left -= r;
            }
        }
        for _ in 0..left {
            out.push((l, 0, 0));
        }
        i += run;
    }
    out
}

fn write_block(w: &mut BitWriter, tokens: &[Token], last: bool) {
    let mut lit_freq = [0u32; 286];
    let mut dist_freq = [0u32; 30];
    for t in tokens {
        if t.dist == 0 {
            lit_freq[usize::from(t.len_or_lit)] += 1;
        } else {
            lit_freq[257 + len_code(t.len_or_lit)] += 1;
            dist_freq[dist_code(t.dist)] += 1;
        }
    }
    lit_freq[256] = 1;
    let lit_lens = code_lengths(&lit_freq, 15);
    let dist_lens = code_lengths(&dist_freq, 15);
    let hlit = lit_lens
        .iter()
        .rposition(|&l| l > 0)
        .map_or(257, |p| p + 1)
        .max(257);
    let hdist = dist_lens
        .iter()
        .rposition(|&l| l > 0)
        .map_or(1, |p| p + 1)
        .max(1);
    let mut all = lit_lens[..hlit].to_vec();
    all.extend_from_slice(&dist_lens[..hdist]);
    let rle = rle_lengths(&all);
    let mut cl_freq = [0u32; 19];
    for &(s, _, _) in &rle {
        cl_freq[usize::from(s)] += 1;
    }
    let cl_lens = code_lengths(&cl_freq, 7);
    let cl_codes = canonical(&cl_lens);
    let hclen = CL_ORDER
        .iter()
        .rposition(|&s| cl_lens[s] > 0)
        .map_or(4, |p| p + 1)
        .max(4);

    w.bits(u32::from(last), 1);
    w.bits(2, 2); // dynamic Huffman
    w.bits((hlit - 257) as u32, 5);
    w.bits((hdist - 1) as u32, 5);
    w.bits((hclen - 4) as u32, 4);
    for &s in &CL_ORDER[..hclen] {
        w.bits(u32::from(cl_lens[s]), 3);
    }
    for &(s, extra, nbits) in &rle {
        let s = usize::from(s);
        w.bits(u32::from(cl_codes[s]), u32::from(cl_lens[s]));
        if nbits > 0 {
            w.bits(u32::from(extra), u32::from(nbits));
        }
    }
    let lit_codes = canonical(&lit_lens);
    let dist_codes = canonical(&dist_lens);
    for t in tokens {
        if t.dist == 0 {
            let s = usize::from(t.len_or_lit);
            w.bits(u32::from(lit_codes[s]), u32::from(lit_lens[s]));
        } else {
            let lc = len_code(t.len_or_lit);
            let s = 257 + lc;
            w.bits(u32::from(lit_codes[s]), u32::from(lit_lens[s]));
            if LEN_EXTRA[lc] > 0 {
                w.bits(
                    u32::from(t.len_or_lit - LEN_BASE[lc]),
                    u32::from(LEN_EXTRA[lc]),
                );
            }
            let dc = dist_code(t.dist);
            w.bits(u32::from(dist_codes[dc]), u32::from(dist_lens[dc]));
            if DIST_EXTRA[dc] > 0 {
                w.bits(u32::from(t.dist - DIST_BASE[dc]), u32::from(DIST_EXTRA[dc]));
            }
        }
    }
    w.bits(u32::from(lit_codes[256]), u32::from(lit_lens[256]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use printpdf::{DictItem, ExternalStream};
    use std::collections::BTreeMap;

    /// Decompresses with lopdf's (flate2) decoder.
    fn inflate(z: &[u8]) -> Vec<u8> {
        let item = DictItem::Stream {
            stream: ExternalStream {
                dict: BTreeMap::from([(
                    "Filter".to_string(),
                    DictItem::Name(b"FlateDecode".to_vec()),
                )]),
                content: z.to_vec(),
                compress: false,
            },
        };
        let obj = item.to_lopdf();
        match obj.as_stream().map(|s| s.decompressed_content()) {
            Ok(Ok(v)) => v,
            other => panic!("inflate failed: {other:?}"),
        }
    }

    #[test]
    fn round_trips() {
        let mut rng = 0x1234_5678u32;
        let mut noise = Vec::new();
        for _ in 0..100_000 {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            noise.push((rng >> 24) as u8);
        }
        let text = "BT /F1 10 Tf 1 0 0 1 51.02 701.23 Tm [<0035> -12<0046>] TJ ET\n".repeat(3000);
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![7],
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
            text.into_bytes(),
            noise.clone(),
            noise.iter().map(|b| b & 3).collect(),
            include_bytes!("../../../themes/default/fonts/OFL.txt").to_vec(),
        ];
        for c in cases {
            let z = zlib(&c);
            assert_eq!(inflate(&z), c, "round trip of {} bytes", c.len());
        }
    }

    #[test]
    fn compresses_repetitive_content() {
        let text = "0.133 0.133 0.133 rg /ABCDEF 10 Tf [<0035> -12<0046>] TJ\n".repeat(1000);
        let z = zlib(text.as_bytes());
        assert!(z.len() * 20 < text.len(), "{} -> {}", text.len(), z.len());
    }
}
