/*
 * cbench: the three `pmap bench` workloads in plain C, as the native yardstick for the C# model.
 *
 * The same model, reduced to what the workloads touch: Xen 4.17's Arm64 PMAP (xen/common/pmap.c and
 * asm/pmap.h) and the early-boot path of map_pages_to_xen() at 4 KiB, on simulated physical memory with a
 * small TLB. The definitions (RAM layout, RNG, seed, workloads, counters) are those of
 * Pmap.Core/Workloads/Workloads.cs; docs/XEN_FACTS.md has the Xen facts.
 *
 *   cbench w1|w2|w3 [-n N] [-g GIB] [--backend sparse]
 *
 * Prints one JSON line. Exit status: 0 ok, 1 the simulated Xen died or the run's own check failed, 2 bad usage.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

typedef uint64_t u64;

/* ---- Constants (arm64, 4 KiB granule, 4 levels) ------------------------------------------------------- */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define ENTRIES 512

#define RAM_BASE_MFN 0x40000ULL      /* PA 0x40000000 */
#define PAGES_PER_GIB (1ULL << 18)
#define HEADROOM_PAGES 16384ULL      /* 64 MiB for page tables */
#define SEED 0x9e3779b97f4a7c15ULL

#define DIRECTMAP_VIRT_START 0x0000800000000000ULL /* SLOT0(256) */

/* Fixmap of RELEASE-4.17.0: CONSOLE 0, MISC 1, ACPI 2..65 (64 pages), PMAP 66..73, one L3 table at 4 MiB. */
#define FIXMAP_ADDR(n) (0x400000ULL + (u64)(n) * PAGE_SIZE)
#define NUM_FIX_PMAP 8
#define FIX_PMAP_BEGIN 66
#define FIX_PMAP_END (FIX_PMAP_BEGIN + NUM_FIX_PMAP - 1)
#define FIX_LAST FIX_PMAP_END
#define FIXADDR_START FIXMAP_ADDR(0)
/* 4.17's bound, as pmap bench's default profile has it: the address of the last slot, not one past it.
 * The workloads only ever use slots 66 and 67, so the off-by-one (fixed by fe3412ab83) never fires here. */
#define FIXADDR_TOP FIXMAP_ADDR(FIX_LAST)

/* lpae_t bits used here */
#define PTE_VALID (1ULL << 0)
#define PTE_TABLE (1ULL << 1)
#define PTE_ADDR_MASK 0x0000fffffffff000ULL
/* mfn_to_xen_entry(mfn, MT_NORMAL or PAGE_HYPERVISOR_RW) with table=1: valid, table, AttrIndx 7, NS, AP[1],
 * SH inner, AF, nG, XN. It is the PMAP PTE, the create_xen_table link and the 4K leaf alike. */
#define XEN_ENTRY 0x0040000000000f7fULL
/* setup_pagetables' links into xen_first / xen_second: the same with XN cleared. */
#define XEN_LINK_NOXN 0x0000000000000f7fULL

#define EINVAL 22
#define EOPNOTSUPP 95

/* ---- Dying the way Xen does -------------------------------------------------------------------------- */

static void die(const char *kind, const char *where, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cbench: %s in %s: ", kind, where);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* A debug build of Xen: ASSERTs are live. */
#define ASSERT(p) do { if (!(p)) die("Assertion failed", __func__, "%s", #p); } while (0)
#define BUG_ON(p) do { if (p) die("Xen BUG", __func__, "BUG_ON(%s)", #p); } while (0)

/* ---- Physical memory: sparse, an open-addressing hash MFN -> frame --------------------------------- */

/* Frames come from 2 MiB slabs, zeroed when handed out. A frame exists once written or touched through a
 * translation; a physical read of an absent frame (a table walk) sees zeroes and allocates nothing. */
#define SLAB_FRAMES 512
#define EMPTY_KEY (~0ULL)

static struct {
    u64 *keys;
    u64 **frames;
    u64 cap, count, shift;
    u64 *slab;
    u64 slab_left;
    u64 ram_end_mfn; /* first MFN past RAM */
} mem;

static inline u64 hash_slot(u64 mfn) { return (mfn * 0x9e3779b97f4a7c15ULL) >> mem.shift; }

static void mem_init(u64 ram_end_mfn)
{
    mem.cap = 4096;
    mem.shift = 64 - 12;
    mem.keys = malloc(mem.cap * sizeof *mem.keys);
    mem.frames = calloc(mem.cap, sizeof *mem.frames);
    if (!mem.keys || !mem.frames) die("panic", __func__, "out of host memory");
    memset(mem.keys, 0xff, mem.cap * sizeof *mem.keys);
    mem.ram_end_mfn = ram_end_mfn;
}

static inline u64 *frame_get(u64 mfn)
{
    for (u64 i = hash_slot(mfn);; i = (i + 1) & (mem.cap - 1)) {
        if (mem.keys[i] == mfn) return mem.frames[i];
        if (mem.keys[i] == EMPTY_KEY) return NULL;
    }
}

static void mem_insert(u64 mfn, u64 *frame)
{
    u64 i = hash_slot(mfn);
    while (mem.keys[i] != EMPTY_KEY) i = (i + 1) & (mem.cap - 1);
    mem.keys[i] = mfn;
    mem.frames[i] = frame;
}

static void mem_grow(void)
{
    u64 *keys = mem.keys, **frames = mem.frames, cap = mem.cap;
    mem.cap *= 2;
    mem.shift--;
    mem.keys = malloc(mem.cap * sizeof *mem.keys);
    mem.frames = calloc(mem.cap, sizeof *mem.frames);
    if (!mem.keys || !mem.frames) die("panic", __func__, "out of host memory");
    memset(mem.keys, 0xff, mem.cap * sizeof *mem.keys);
    for (u64 i = 0; i < cap; i++)
        if (keys[i] != EMPTY_KEY) mem_insert(keys[i], frames[i]);
    free(keys);
    free(frames);
}

static u64 *frame_materialise(u64 mfn)
{
    u64 *f = frame_get(mfn);
    if (f) return f;
    if (mfn < RAM_BASE_MFN || mfn >= mem.ram_end_mfn)
        die("panic", __func__, "MFN 0x%" PRIx64 " is not RAM", mfn);
    if (2 * (mem.count + 1) > mem.cap) mem_grow();
    if (mem.slab_left == 0) {
        mem.slab = calloc(SLAB_FRAMES, PAGE_SIZE); /* zero pages the OS commits on first touch */
        if (!mem.slab) die("panic", __func__, "out of host memory");
        mem.slab_left = SLAB_FRAMES;
    }
    f = mem.slab;
    mem.slab += ENTRIES;
    mem.slab_left--;
    mem_insert(mfn, f);
    mem.count++;
    return f;
}

static inline u64 phys_read64(u64 pa)
{
    const u64 *f = frame_get(pa >> PAGE_SHIFT);
    return f ? f[(pa & (PAGE_SIZE - 1)) >> 3] : 0;
}

/* ---- Boot allocator: alloc_boot_pages(1, 1) takes from the top of RAM down ------------------------- */

static u64 boot_next; /* the last MFN handed out */

static u64 alloc_boot_page(void)
{
    if (boot_next <= RAM_BASE_MFN) die("panic", __func__, "Out of boot memory");
    return --boot_next;
}

/* ---- Xen's static tables ----------------------------------------------------------------------------- */

static u64 xen_pgtable, xen_first, xen_second, xen_fixmap_mfn;
static u64 *xen_fixmap; /* Xen writes its static array through its image mapping: no translation */

static u64 tables_created;

static void setup_pagetables(void)
{
    /* The first boot-allocator frames stand in for the tables inside Xen's image. */
    xen_pgtable = alloc_boot_page();
    xen_first = alloc_boot_page();
    xen_second = alloc_boot_page();
    xen_fixmap_mfn = alloc_boot_page();
    frame_materialise(xen_pgtable)[0] = XEN_LINK_NOXN | xen_first << PAGE_SHIFT;
    frame_materialise(xen_first)[0] = XEN_LINK_NOXN | xen_second << PAGE_SHIFT;
    /* second_table_offset(FIXMAP_ADDR(0)) = 2 */
    frame_materialise(xen_second)[(FIXMAP_ADDR(0) >> 21) & (ENTRIES - 1)] = XEN_ENTRY | xen_fixmap_mfn << PAGE_SHIFT;
    xen_fixmap = frame_materialise(xen_fixmap_mfn);
}

/* ---- Translation: the table walk and a 64-entry direct-mapped TLB ---------------------------------- */

static inline unsigned level_index(int level, u64 va) { return (va >> (39 - 9 * level)) & (ENTRIES - 1); }

/* The hardware walk from TTBR0_EL2 (xen_pgtable): the PA, or ~0 on a translation fault. */
static u64 walk(u64 va)
{
    if (va >> 48) return ~0ULL;
    u64 table = xen_pgtable;
    for (int level = 0; level < 3; level++) {
        u64 e = phys_read64((table << PAGE_SHIFT) + 8 * level_index(level, va));
        if (!(e & PTE_VALID)) return ~0ULL;
        if (!(e & PTE_TABLE)) { /* a block: 1 GiB at level 1, 2 MiB at level 2, none at level 0 */
            if (level == 0) return ~0ULL;
            u64 size = 1ULL << (39 - 9 * level);
            return ((e & PTE_ADDR_MASK) & ~(size - 1)) | (va & (size - 1));
        }
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    u64 e = phys_read64((table << PAGE_SHIFT) + 8 * level_index(3, va));
    if ((e & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE)) return ~0ULL;
    return (e & PTE_ADDR_MASK) | (va & (PAGE_SIZE - 1));
}

#define TLB_ENTRIES 64
static struct { u64 vpn; u64 *frame; } tlb[TLB_ENTRIES]; /* frame NULL: empty */
static u64 tlb_misses;

static inline void tlb_flush_va(u64 va)
{
    unsigned i = (va >> PAGE_SHIFT) & (TLB_ENTRIES - 1);
    if (tlb[i].vpn == va >> PAGE_SHIFT) tlb[i].frame = NULL;
}

/* Every access Xen makes through a VA: TLB, else walk (a fault kills Xen) and fill; never caches a fault. */
static inline u64 *translate(u64 va)
{
    u64 vpn = va >> PAGE_SHIFT;
    unsigned i = vpn & (TLB_ENTRIES - 1);
    if (tlb[i].frame && tlb[i].vpn == vpn) return tlb[i].frame;
    tlb_misses++;
    u64 pa = walk(va);
    if (pa == ~0ULL) die("panic", __func__, "translation fault at VA 0x%" PRIx64, va);
    tlb[i].vpn = vpn;
    tlb[i].frame = frame_materialise(pa >> PAGE_SHIFT);
    return tlb[i].frame;
}

static inline u64 load64(u64 va) { return translate(va)[(va & (PAGE_SIZE - 1)) >> 3]; }
static inline void store64(u64 va, u64 v) { translate(va)[(va & (PAGE_SIZE - 1)) >> 3] = v; }
static inline void clear_page(u64 va) { memset(translate(va), 0, PAGE_SIZE); }

/* ---- xen/common/pmap.c and Arm's asm/pmap.h ----------------------------------------------------------- */

enum { SYS_STATE_early_boot, SYS_STATE_boot, SYS_STATE_smp_boot };
static int system_state = SYS_STATE_early_boot;
static int local_irq_count;
#define in_irq() (local_irq_count != 0)

static unsigned inuse; /* DECLARE_BITMAP(inuse, NUM_FIX_PMAP): 8 bits */

static inline void arch_pmap_map(unsigned slot, u64 mfn)
{
    ASSERT(!(xen_fixmap[slot] & PTE_VALID));
    xen_fixmap[slot] = XEN_ENTRY | mfn << PAGE_SHIFT; /* write_pte; barriers cost nothing here */
}

static inline void arch_pmap_unmap(unsigned slot)
{
    xen_fixmap[slot] = 0;
    tlb_flush_va(FIXMAP_ADDR(slot)); /* flush_xen_tlb_range_va_local(FIXMAP_ADDR(slot), PAGE_SIZE) */
}

static inline unsigned virt_to_fix(u64 va)
{
    BUG_ON(va >= FIXADDR_TOP || va < FIXADDR_START);
    return (va - FIXADDR_START) >> PAGE_SHIFT;
}

static inline u64 pmap_map(u64 mfn)
{
    ASSERT(system_state < SYS_STATE_smp_boot);
    ASSERT(!in_irq());
    unsigned idx = __builtin_ctz(~inuse); /* find_first_zero_bit; 8 when all are set */
    if (idx >= NUM_FIX_PMAP) die("panic", __func__, "Out of PMAP slots");
    inuse |= 1u << idx;
    unsigned slot = FIX_PMAP_BEGIN + idx;
    ASSERT(slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END);
    arch_pmap_map(slot, mfn);
    return FIXMAP_ADDR(slot);
}

static inline void pmap_unmap(u64 va)
{
    unsigned slot = virt_to_fix(va);
    ASSERT(system_state < SYS_STATE_smp_boot);
    ASSERT(slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END);
    ASSERT(!in_irq());
    inuse &= ~(1u << (slot - FIX_PMAP_BEGIN));
    arch_pmap_unmap(slot);
}

/* ---- Early-boot map_pages_to_xen at 4 KiB (xen_pt_update, 4.17 arch/arm/mm.c) ---------------------- */

/* One 4K leaf: every table reached through PMAP (xen_map_table in early boot), tables made on demand. */
static int xen_pt_update_entry(u64 va, u64 mfn)
{
    int rc = 0;
    u64 table = pmap_map(xen_pgtable);
    for (int level = 0; level < 3; level++) {
        u64 entry = table + 8 * level_index(level, va);
        u64 e = load64(entry);
        if (!(e & PTE_VALID)) { /* create_xen_table */
            u64 t = alloc_boot_page();
            tables_created++;
            u64 p = pmap_map(t);
            clear_page(p);
            pmap_unmap(p);
            e = XEN_ENTRY | t << PAGE_SHIFT;
            store64(entry, e);
        }
        if (!(e & PTE_TABLE)) { rc = -EOPNOTSUPP; goto out; } /* a superpage: never here */
        pmap_unmap(table); /* xen_pt_next_level unmaps the current table before mapping the next */
        table = pmap_map((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
    }
    u64 entry = table + 8 * level_index(3, va);
    if (load64(entry) & PTE_VALID) { rc = -EINVAL; goto out; } /* xen_pt_check_entry: no replacing */
    store64(entry, XEN_ENTRY | mfn << PAGE_SHIFT);
out:
    pmap_unmap(table);
    return rc;
}

/* An insertion of nr 4K pages with PAGE_HYPERVISOR_RW: no TLB flush, as Xen does none for insertions. */
static int map_pages_to_xen(u64 va, u64 mfn, u64 nr)
{
    if (va & (PAGE_SIZE - 1)) return -EINVAL;
    for (u64 i = 0; i < nr; i++) {
        int rc = xen_pt_update_entry(va + i * PAGE_SIZE, mfn + i);
        if (rc) return rc;
    }
    return 0;
}

/* ---- Workloads ---------------------------------------------------------------------------------------- */

static inline u64 xorshift64(u64 *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* CPU time of the process: on a shared machine it does not count the time other processes held the CPU. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* RAM: MFNs [0x40000, 0x40000 + G * 262144 + 16384), tables from its top. */
static void boot(u64 gib)
{
    u64 end = RAM_BASE_MFN + gib * PAGES_PER_GIB + HEADROOM_PAGES;
    mem_init(end);
    boot_next = end;
    setup_pagetables();
}

/* n walks of DIRECTMAP + (xorshift & mask), TLB bypassed: how many missed their frame. */
static u64 walks(u64 n, u64 mask)
{
    u64 x = SEED, bad = 0;
    for (u64 i = 0; i < n; i++) {
        u64 off = xorshift64(&x) & mask;
        if (walk(DIRECTMAP_VIRT_START + off) != (RAM_BASE_MFN << PAGE_SHIFT) + off) bad++;
    }
    return bad;
}

struct result {
    const char *workload;
    u64 gib, ops, tlb_misses;
    double seconds, verify_seconds, cpu_seconds;
    int ok;
};

static struct result w1(u64 n)
{
    boot(1);
    u64 misses0 = tlb_misses;
    double c0 = cpu_now(), t0 = now();
    for (u64 i = 0; i < n; i++) {
        u64 va = pmap_map(RAM_BASE_MFN + (i & 1023));
        store64(va, i);
        pmap_unmap(va);
    }
    double t1 = now(), c1 = cpu_now();
    /* Frame 0x40000 + j holds the last i with i & 1023 == j. */
    int ok = inuse == 0;
    for (u64 j = 0; j < n && j < 1024; j++)
        ok &= phys_read64((RAM_BASE_MFN + j) << PAGE_SHIFT) == (n - 1 - j) / 1024 * 1024 + j;
    return (struct result){ "W1", 1, n, tlb_misses - misses0, t1 - t0, 0, c1 - c0, ok };
}

static struct result w2(u64 n)
{
    boot(1);
    int rc = map_pages_to_xen(DIRECTMAP_VIRT_START, RAM_BASE_MFN, PAGES_PER_GIB); /* untimed */
    u64 misses0 = tlb_misses;
    double c0 = cpu_now(), t0 = now();
    u64 bad = walks(n, (1ULL << 30) - 1);
    double t1 = now(), c1 = cpu_now();
    return (struct result){ "W2", 1, n, tlb_misses - misses0, t1 - t0, 0, c1 - c0, rc == 0 && bad == 0 };
}

static struct result w3(u64 gib, u64 verify_walks)
{
    boot(gib);
    u64 pages = gib * PAGES_PER_GIB;
    u64 misses0 = tlb_misses;
    double c0 = cpu_now(), t0 = now();
    int rc = map_pages_to_xen(DIRECTMAP_VIRT_START, RAM_BASE_MFN, pages);
    double t1 = now(), c1 = cpu_now();
    u64 misses = tlb_misses - misses0;
    u64 bad = walks(verify_walks, (gib << 30) - 1);
    double t2 = now();
    return (struct result){ "W3", gib, pages, misses, t1 - t0, t2 - t1, c1 - c0, rc == 0 && inuse == 0 && bad == 0 };
}

/* ---- Driver ------------------------------------------------------------------------------------------- */

static void usage(const char *why)
{
    fprintf(stderr, "cbench: %s\nusage: cbench w1|w2|w3 [-n N] [-g GIB] [--backend sparse]\n", why);
    exit(2);
}

static u64 number(const char *s, const char *what)
{
    char *end;
    if (!s || *s == '-') usage(what);
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || v == 0) usage(what);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2) usage("no workload");
    const char *w = argv[1];
    u64 n = 0, gib = 1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-n")) n = number(argv[++i], "-n needs a positive number");
        else if (!strcmp(argv[i], "-g")) gib = number(argv[++i], "-g needs a positive number of GiB");
        else if (!strcmp(argv[i], "--backend")) {
            /* Only the sparse memory a general simulator needs (and the C# model has). */
            if (++i >= argc || strcmp(argv[i], "sparse")) usage("--backend: only 'sparse' is modelled");
        } else usage("unknown argument");
    }
    if (gib > 1024) usage("-g: 1 to 1024 GiB");

    struct result r;
    if (!strcasecmp(w, "w1")) r = w1(n ? n : 20000000);
    else if (!strcasecmp(w, "w2")) r = w2(n ? n : 20000000);
    else if (!strcasecmp(w, "w3")) r = w3(gib, n ? n : 1000000);
    else usage("the workload is w1, w2 or w3");

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* frames: the 4 static tables, the tables created and every data frame touched. */
    printf("{\"workload\":\"%s\",\"backend\":\"sparse\",\"gib\":%" PRIu64 ",\"ops\":%" PRIu64 ",\"ns_per_op\":%.2f,\"cpu_ns_per_op\":%.2f,"
           "\"total_s\":%.4f,\"verify_s\":%.4f,\"peak_rss_kib\":%ld,\"tlb_misses\":%" PRIu64 ",\"tables\":%" PRIu64
           ",\"frames\":%" PRIu64 ",\"check\":\"%s\"}\n",
           r.workload, r.gib, r.ops, r.seconds * 1e9 / (double)r.ops, r.cpu_seconds * 1e9 / (double)r.ops, r.seconds,
           r.verify_seconds, ru.ru_maxrss,
           r.tlb_misses, tables_created, mem.count, r.ok ? "ok" : "FAILED");
    return r.ok ? 0 : 1;
}
