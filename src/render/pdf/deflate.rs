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
/// A 3-byte match further back than this costs more than three literals.
const TOO_FAR: usize = 4096;
/// Symbols per block.
const BLOCK_SYMBOLS: usize = 64 * 1024;

/// How hard the match finder works.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Effort {
    /// Candidates examined per position.
    chain: usize,
    /// Stop searching once a match this long is found.
    nice: usize,
    /// Look for a longer match at the next position (lazy matching) only
    /// while the current one is shorter than this; 0 turns it off.
    lazy: usize,
    /// With a match at least this long, search only a quarter of the chain
    /// for the next one.
    good: usize,
}

impl Effort {
    /// Per-document streams (content, font subsets): about zlib level 6
    /// compression at a fraction of its time.
    pub(crate) const NORMAL: Effort = Effort {
        chain: 16,
        nice: 64,
        lazy: 16,
        good: 8,
    };
    /// Data compressed once per process (images): close to zlib level 9.
    pub(crate) const BEST: Effort = Effort {
        chain: 1024,
        nice: 258,
        lazy: 258,
        good: 32,
    };
}

/// Compresses `data` into a zlib stream with [`Effort::NORMAL`].
pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
    zlib_with(data, Effort::NORMAL)
}

/// Compresses `data` into a zlib stream.
pub(crate) fn zlib_with(data: &[u8], effort: Effort) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::with_capacity(data.len() / 3 + 64),
        acc: 0,
        nbits: 0,
    };
    // CMF: deflate, 32K window; FLG: default level, check bits.
    w.out.extend_from_slice(&[0x78, 0x9C]);
    let tokens = lz77(data, effort);
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

fn hash3(d: &[u8], i: usize, bits: u32) -> usize {
    let v = u32::from(d[i]) | (u32::from(d[i + 1]) << 8) | (u32::from(d[i + 2]) << 16);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Hash chains over the window: `head[h]` is the latest position with hash
/// `h`, `prev[p % WINDOW]` the one before `p`.
struct Chains {
    head: Vec<u32>,
    prev: Vec<u32>,
    bits: u32,
}

impl Chains {
    fn insert(&mut self, d: &[u8], i: usize) {
        if i + MIN_MATCH <= d.len() {
            let h = hash3(d, i, self.bits);
            self.prev[i % WINDOW] = self.head[h];
            self.head[h] = i as u32;
        }
    }

    /// Longest match for position `i` (not yet inserted) that is longer
    /// than `at_least`: (length, distance), or (0, 0).
    fn longest(&self, d: &[u8], i: usize, at_least: usize, e: Effort) -> (usize, usize) {
        let n = d.len();
        if i + MIN_MATCH > n {
            return (0, 0);
        }
        let max_len = (n - i).min(MAX_MATCH);
        let mut best_len = at_least.min(max_len - 1);
        let mut best_dist = 0;
        let mut chain = if at_least >= e.good {
            e.chain / 4
        } else {
            e.chain
        };
        let mut cand = self.head[hash3(d, i, self.bits)];
        let (win, cur) = (&d[..n], &d[i..i + max_len]);
        while cand != u32::MAX && chain > 0 {
            let c = cand as usize;
            if c >= i || i - c > WINDOW - 1 {
                break;
            }
            let old = &win[c..c + max_len];
            // Quick reject on the byte that would extend the best match,
            // then on the first one.
            if old[best_len] == cur[best_len] && old[0] == cur[0] {
                let l = match_len(old, cur);
                if l > best_len {
                    best_len = l;
                    best_dist = i - c;
                    if l >= e.nice || l == max_len {
                        break;
                    }
                }
            }
            let next = self.prev[c % WINDOW];
            if next != u32::MAX && next as usize >= c {
                break;
            }
            cand = next;
            chain -= 1;
        }
        if best_dist == 0 || (best_len == MIN_MATCH && best_dist > TOO_FAR) {
            (0, 0)
        } else {
            (best_len, best_dist)
        }
    }
}

/// Length of the common prefix of `a` and `b` (same length), eight bytes
/// at a time.
#[inline]
fn match_len(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_le_bytes([
            a[i],
            a[i + 1],
            a[i + 2],
            a[i + 3],
            a[i + 4],
            a[i + 5],
            a[i + 6],
            a[i + 7],
        ]) ^ u64::from_le_bytes([
            b[i],
            b[i + 1],
            b[i + 2],
            b[i + 3],
            b[i + 4],
            b[i + 5],
            b[i + 6],
            b[i + 7],
        ]);
        if x != 0 {
            return i + (x.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// LZ77 with lazy matching: a match found at one position is kept back
/// while the next position might start a longer one (as zlib does).
fn lz77(d: &[u8], e: Effort) -> Vec<Token> {
    let n = d.len();
    let mut tokens = Vec::with_capacity(n / 3 + 16);
    // Small inputs get small tables (clearing them is not free); `prev`
    // needs one slot per position up to the window size.
    let bits = (usize::BITS - n.leading_zeros()).clamp(8, HASH_BITS);
    let mut ch = Chains {
        head: vec![u32::MAX; 1 << bits],
        prev: vec![u32::MAX; n.next_power_of_two().clamp(1, WINDOW)],
        bits,
    };
    let lit = |b: u8| Token {
        len_or_lit: u16::from(b),
        dist: 0,
    };
    // The match found at i - 1, waiting for the one at i.
    let mut held: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < n {
        let (prev_len, _) = held.unwrap_or((0, 0));
        let found = if held.is_some() && prev_len >= e.lazy {
            (0, 0)
        } else {
            ch.longest(d, i, prev_len.max(MIN_MATCH - 1), e)
        };
        match held {
            Some((len, dist)) if found.0 <= len => {
                // The held match wins: emit it; it started at i - 1.
                tokens.push(Token {
                    len_or_lit: len as u16,
                    dist: dist as u16,
                });
                let end = i - 1 + len;
                for k in i..end {
                    ch.insert(d, k);
                }
                i = end;
                held = None;
            }
            Some(_) => {
                // A longer match here: the byte before goes out as a literal.
                tokens.push(lit(d[i - 1]));
                ch.insert(d, i);
                held = Some(found);
                i += 1;
            }
            None if found.0 >= MIN_MATCH => {
                ch.insert(d, i);
                if e.lazy == 0 || found.0 >= e.lazy {
                    tokens.push(Token {
                        len_or_lit: found.0 as u16,
                        dist: found.1 as u16,
                    });
                    for k in i + 1..i + found.0 {
                        ch.insert(d, k);
                    }
                    i += found.0;
                } else {
                    held = Some(found);
                    i += 1;
                }
            }
            None => {
                tokens.push(lit(d[i]));
                ch.insert(d, i);
                i += 1;
            }
        }
    }
    // A match held at the last position (it ends within the data).
    if let Some((len, dist)) = held {
        tokens.push(Token {
            len_or_lit: len as u16,
            dist: dist as u16,
        });
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
    /// `n` is at most 16, so the 64-bit accumulator never overflows.
    #[inline]
    fn bits(&mut self, v: u32, n: u32) {
        self.acc |= u64::from(v) << self.nbits;
        self.nbits += n;
        if self.nbits >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.nbits -= 32;
        }
    }

    fn flush_byte(&mut self) {
        while self.nbits > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits = self.nbits.saturating_sub(8);
        }
        self.acc = 0;
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

/// Length code (0-based, symbol − 257) for each match length 0..=258.
const LEN_CODE: [u8; 259] = {
    let mut t = [0u8; 259];
    let mut code = 0;
    let mut len = 3;
    while len < 259 {
        while code + 1 < 29 && LEN_BASE[code + 1] as usize <= len {
            code += 1;
        }
        t[len] = code as u8;
        len += 1;
    }
    t
};

/// Distance code for distances 1..=256 (index `dist − 1`) and, in the
/// second half, for larger ones (index `256 + ((dist − 1) >> 7)`), as zlib
/// does it.
const DIST_CODE: [u8; 512] = {
    let mut t = [0u8; 512];
    let mut code = 0;
    let mut d = 1;
    while d <= 32768 {
        while code + 1 < 30 && DIST_BASE[code + 1] as usize <= d {
            code += 1;
        }
        let i = if d <= 256 {
            d - 1
        } else {
            256 + ((d - 1) >> 7)
        };
        t[i] = code as u8;
        d += 1;
    }
    t
};

#[inline]
fn len_code(len: u16) -> usize {
    usize::from(LEN_CODE[usize::from(len).min(258)])
}

#[inline]
fn dist_code(dist: u16) -> usize {
    let d = usize::from(dist.max(1)) - 1;
    usize::from(if d < 256 {
        DIST_CODE[d]
    } else {
        DIST_CODE[256 + (d >> 7)]
    })
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
            for e in [Effort::NORMAL, Effort::BEST] {
                let z = zlib_with(&c, e);
                assert_eq!(inflate(&z), c, "round trip of {} bytes ({e:?})", c.len());
            }
        }
    }

    #[test]
    fn compresses_repetitive_content() {
        let text = "0.133 0.133 0.133 rg /ABCDEF 10 Tf [<0035> -12<0046>] TJ\n".repeat(1000);
        let z = zlib(text.as_bytes());
        assert!(z.len() * 20 < text.len(), "{} -> {}", text.len(), z.len());
    }

    /// Sizes and times on stream dumps in `$DEFLATE_SAMPLES` (a directory):
    /// `DEFLATE_SAMPLES=dir cargo test --release --lib deflate::tests::samples -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn samples() {
        let Ok(dir) = std::env::var("DEFLATE_SAMPLES") else {
            return;
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        let data: Vec<Vec<u8>> = files
            .iter()
            .map(|f| std::fs::read(f).unwrap_or_default())
            .collect();
        let mut efforts = vec![("normal", Effort::NORMAL), ("best", Effort::BEST)];
        if let Ok(v) = std::env::var("DEFLATE_EFFORT") {
            let n: Vec<usize> = v.split(',').filter_map(|x| x.parse().ok()).collect();
            if let [chain, nice, lazy, good] = n[..] {
                efforts = vec![(
                    "custom",
                    Effort {
                        chain,
                        nice,
                        lazy,
                        good,
                    },
                )];
            }
        }
        let reps: usize = std::env::var("DEFLATE_REPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5);
        for (name, e) in efforts {
            let (mut raw, mut packed) = (0, 0);
            let mut total = std::time::Duration::ZERO;
            for (d, f) in data.iter().zip(&files) {
                if d.len() >= 500_000 && name != "best" {
                    continue;
                }
                let mut best = std::time::Duration::MAX;
                let mut z = 0;
                for _ in 0..reps {
                    let t = std::time::Instant::now();
                    z = zlib_with(d, e).len();
                    best = best.min(t.elapsed());
                }
                raw += d.len();
                packed += z;
                total += best;
                if std::env::var("DEFLATE_VERBOSE").is_ok() {
                    println!("  {} {} -> {z} {best:?}", f.display(), d.len());
                }
            }
            println!("{name}: {raw} -> {packed} in {total:?}");
        }
    }
}
