/* Minimal stand-ins for the two sanitizer functions libFuzzer's
 * -print_coverage=1 needs (a build with `-s none` has no sanitizer runtime):
 * every PC is "symbolised" as its offset in its module, which
 * fuzz/cov_split.py then symbolises with llvm-symbolizer. Loaded with
 * LD_PRELOAD by fuzz/cov_split.py only; never linked into a fuzz target. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t n) {
    Dl_info i;
    uintptr_t off = (uintptr_t)pc;
    (void)fmt;
    if (dladdr(pc, &i) && i.dli_fbase)
        off -= (uintptr_t)i.dli_fbase;
    snprintf(out, n, "0x%lx", (unsigned long)off);
}

int __sanitizer_get_module_and_offset_for_pc(void *pc, char *name, size_t len, void **off) {
    Dl_info i;
    if (!dladdr(pc, &i) || !i.dli_fbase)
        return 0;
    snprintf(name, len, "%s", i.dli_fname ? i.dli_fname : "?");
    *off = (void *)((uintptr_t)pc - (uintptr_t)i.dli_fbase);
    return 1;
}
