using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CBench;

/// <summary>
/// bench/cbench/cbench.c in C#, statement for statement: the same reduced model (constants for Arm64 4.17, static state,
/// no plugin, no barriers, no ordering bookkeeping, no counters but the C ones), the same workloads, checks and JSON
/// line. It is not pmap's model and nothing uses it: it measures what C# itself costs on the C baseline, so that
/// compare.sh can say how much of pmap's ratio is the language and how much the model's own work.
/// </summary>
internal static unsafe class Model
{
    private const int PageShift = 12, Entries = 512;
    private const ulong PageSize = 1UL << PageShift;
    public const ulong RamBaseMfn = 0x40000, PagesPerGib = 1UL << 18, HeadroomPages = 16384, Seed = 0x9e3779b97f4a7c15;
    public const ulong DirectmapVirtStart = 0x0000800000000000;
    private const ulong FixaddrStart = 0x400000;
    private const int NumFixPmap = 8, FixPmapBegin = 66, FixPmapEnd = FixPmapBegin + NumFixPmap - 1, FixLast = FixPmapEnd;
    private const ulong FixaddrTop = FixaddrStart + (FixLast + 1) * PageSize; // fe3412ab83's bound, as cbench
    private const ulong PteValid = 1, PteTable = 2, PteAddrMask = 0x0000fffffffff000;
    private const ulong XenEntry = 0x0040000000000f7f, XenLinkNoXn = 0x0000000000000f7f;
    private const int EInval = 22, EOpNotSupp = 95;
    private const ulong EmptyKey = ulong.MaxValue;
    private const int SlabFrames = 512; // 2 MiB slabs

    private static ulong FixmapAddr(int slot) => FixaddrStart + (ulong)slot * PageSize;

    // Sparse memory: an open-addressing hash MFN -> frame, linear probing, Fibonacci hashing, load at most 1/2.
    private static ulong[] s_keys = [];
    private static ulong*[] s_frames = [];
    private static ulong s_cap, s_count;
    private static int s_shift;
    private static ulong* s_slab;
    private static int s_slabLeft;
    private static readonly List<nint> s_slabs = []; // freed when the next run boots (cbench runs once)
    private static ulong s_ramEndMfn, s_bootNext;
    private static ulong s_xenPgtable;
    private static ulong* s_xenFixmap;
    public static ulong TablesCreated, TlbMisses;
    public static ulong FrameCount => s_count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong HashSlot(ulong mfn) => (mfn * 0x9e3779b97f4a7c15) >> s_shift;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong* FrameGet(ulong mfn)
    {
        for (var i = HashSlot(mfn); ; i = (i + 1) & (s_cap - 1))
        {
            if (s_keys[i] == mfn) return s_frames[i];
            if (s_keys[i] == EmptyKey) return null;
        }
    }

    private static void Insert(ulong mfn, ulong* frame)
    {
        var i = HashSlot(mfn);
        while (s_keys[i] != EmptyKey) i = (i + 1) & (s_cap - 1);
        s_keys[i] = mfn;
        s_frames[i] = frame;
    }

    private static void NewTable(ulong cap)
    {
        s_cap = cap;
        s_keys = new ulong[cap];
        Array.Fill(s_keys, EmptyKey);
        s_frames = new ulong*[cap];
    }

    private static void Grow()
    {
        var (keys, frames) = (s_keys, s_frames);
        s_shift--;
        NewTable(s_cap * 2);
        for (var i = 0; i < keys.Length; i++)
            if (keys[i] != EmptyKey) Insert(keys[i], frames[i]);
    }

    private static ulong* FrameMaterialise(ulong mfn)
    {
        var f = FrameGet(mfn);
        if (f != null) return f;
        if (mfn < RamBaseMfn || mfn >= s_ramEndMfn) throw new XenDied("panic", $"MFN 0x{mfn:x} is not RAM");
        if (2 * (s_count + 1) > s_cap) Grow();
        if (s_slabLeft == 0)
        {
            s_slab = (ulong*)NativeMemory.AllocZeroed(SlabFrames, (nuint)PageSize); // zero pages the OS commits on first touch
            s_slabs.Add((nint)s_slab);
            s_slabLeft = SlabFrames;
        }
        f = s_slab;
        s_slab += Entries;
        s_slabLeft--;
        Insert(mfn, f);
        s_count++;
        return f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PhysRead64(ulong pa)
    {
        var f = FrameGet(pa >> PageShift);
        return f != null ? f[(pa & (PageSize - 1)) >> 3] : 0;
    }

    private static ulong AllocBootPage() => s_bootNext > RamBaseMfn ? --s_bootNext : throw new XenDied("panic", "Out of boot memory");

    /// <summary>A fresh machine: RAM of G GiB plus headroom, Xen's four static tables linked, an empty TLB.</summary>
    public static void Boot(ulong gib)
    {
        var end = RamBaseMfn + gib * PagesPerGib + HeadroomPages;
        s_shift = 64 - 12;
        NewTable(4096);
        s_count = 0;
        s_slabLeft = 0;
        foreach (var slab in s_slabs) NativeMemory.Free((void*)slab);
        s_slabs.Clear();
        s_ramEndMfn = s_bootNext = end;
        TablesCreated = TlbMisses = 0;
        s_inuse = 0;
        Array.Clear(s_tlbVpn);
        Array.Clear(s_tlbFrame);
        s_xenPgtable = AllocBootPage();
        var first = AllocBootPage();
        var second = AllocBootPage();
        var fixmap = AllocBootPage();
        FrameMaterialise(s_xenPgtable)[0] = XenLinkNoXn | first << PageShift;
        FrameMaterialise(first)[0] = XenLinkNoXn | second << PageShift;
        FrameMaterialise(second)[(FixmapAddr(0) >> 21) & (Entries - 1)] = XenEntry | fixmap << PageShift;
        s_xenFixmap = FrameMaterialise(fixmap);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LevelIndex(int level, ulong va) => (va >> (39 - 9 * level)) & (Entries - 1);

    /// <summary>The hardware walk from TTBR0_EL2: the PA, or ~0 on a translation fault.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Walk(ulong va)
    {
        if ((va >> 48) != 0) return ulong.MaxValue;
        var table = s_xenPgtable;
        for (var level = 0; level < 3; level++)
        {
            var e = PhysRead64((table << PageShift) + 8 * LevelIndex(level, va));
            if ((e & PteValid) == 0) return ulong.MaxValue;
            if ((e & PteTable) == 0)
            {
                if (level == 0) return ulong.MaxValue;
                var size = 1UL << (39 - 9 * level);
                return (e & PteAddrMask & ~(size - 1)) | (va & (size - 1));
            }
            table = (e & PteAddrMask) >> PageShift;
        }
        var leaf = PhysRead64((table << PageShift) + 8 * LevelIndex(3, va));
        if ((leaf & (PteValid | PteTable)) != (PteValid | PteTable)) return ulong.MaxValue;
        return (leaf & PteAddrMask) | (va & (PageSize - 1));
    }

    private const int TlbEntries = 64;
    private static readonly ulong[] s_tlbVpn = new ulong[TlbEntries];
    private static readonly nint[] s_tlbFrame = new nint[TlbEntries]; // 0: empty

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TlbFlushVa(ulong va)
    {
        var i = (int)((va >> PageShift) & (TlbEntries - 1));
        if (s_tlbVpn[i] == va >> PageShift) s_tlbFrame[i] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong* Translate(ulong va)
    {
        var vpn = va >> PageShift;
        var i = (int)(vpn & (TlbEntries - 1));
        if (s_tlbFrame[i] != 0 && s_tlbVpn[i] == vpn) return (ulong*)s_tlbFrame[i];
        TlbMisses++;
        var pa = Walk(va);
        if (pa == ulong.MaxValue) throw new XenDied("panic", $"translation fault at VA 0x{va:x}");
        s_tlbVpn[i] = vpn;
        var frame = FrameMaterialise(pa >> PageShift);
        s_tlbFrame[i] = (nint)frame;
        return frame;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Load64(ulong va) => Translate(va)[(va & (PageSize - 1)) >> 3];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store64(ulong va, ulong v) => Translate(va)[(va & (PageSize - 1)) >> 3] = v;

    private static void ClearPage(ulong va) => new Span<ulong>(Translate(va), Entries).Clear();

#pragma warning disable CS0649 // Never written by the workloads, but variables as in cbench (whose self-checks write them), not constants.
    private static int s_systemState; // SYS_STATE_early_boot
    private static int s_localIrqCount;
#pragma warning restore CS0649
    private static uint s_inuse; // DECLARE_BITMAP(inuse, NUM_FIX_PMAP): 8 bits
    public static uint InUse => s_inuse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Assert(bool condition, string text)
    {
        if (!condition) throw new XenDied("Assertion", text);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PmapMap(ulong mfn)
    {
        Assert(s_systemState < 2, "system_state < SYS_STATE_smp_boot");
        Assert(s_localIrqCount == 0, "!in_irq()");
        var idx = BitOperations.TrailingZeroCount(~s_inuse);
        if (idx >= NumFixPmap) throw new XenDied("panic", "Out of PMAP slots");
        s_inuse |= 1u << idx;
        var slot = FixPmapBegin + idx;
        Assert(slot is >= FixPmapBegin and <= FixPmapEnd, "slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END");
        Assert((s_xenFixmap[slot] & PteValid) == 0, "!lpae_is_valid(*entry)");
        s_xenFixmap[slot] = XenEntry | mfn << PageShift;
        return FixmapAddr(slot);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PmapUnmap(ulong va)
    {
        if (va >= FixaddrTop || va < FixaddrStart) throw new XenDied("BUG", "virt_to_fix");
        var slot = (int)((va - FixaddrStart) >> PageShift);
        Assert(s_systemState < 2, "system_state < SYS_STATE_smp_boot");
        Assert(slot is >= FixPmapBegin and <= FixPmapEnd, "slot >= FIX_PMAP_BEGIN && slot <= FIX_PMAP_END");
        Assert(s_localIrqCount == 0, "!in_irq()");
        s_inuse &= ~(1u << (slot - FixPmapBegin));
        s_xenFixmap[slot] = 0;
        TlbFlushVa(FixmapAddr(slot));
    }

    private static int XenPtUpdateEntry(ulong va, ulong mfn)
    {
        var rc = 0;
        var table = PmapMap(s_xenPgtable);
        for (var level = 0; level < 3; level++)
        {
            var entry = table + 8 * LevelIndex(level, va);
            var e = Load64(entry);
            if ((e & PteValid) == 0) // create_xen_table
            {
                var t = AllocBootPage();
                TablesCreated++;
                var p = PmapMap(t);
                ClearPage(p);
                PmapUnmap(p);
                e = XenEntry | t << PageShift;
                Store64(entry, e);
            }
            if ((e & PteTable) == 0)
            {
                rc = -EOpNotSupp;
                goto Out;
            }
            PmapUnmap(table);
            table = PmapMap((e & PteAddrMask) >> PageShift);
        }
        {
            var entry = table + 8 * LevelIndex(3, va);
            if ((Load64(entry) & PteValid) != 0) rc = -EInval;
            else Store64(entry, XenEntry | mfn << PageShift);
        }
    Out:
        PmapUnmap(table);
        return rc;
    }

    public static int MapPagesToXen(ulong va, ulong mfn, ulong nr)
    {
        if ((va & (PageSize - 1)) != 0) return -EInval;
        for (var i = 0UL; i < nr; i++)
        {
            var rc = XenPtUpdateEntry(va + i * PageSize, mfn + i);
            if (rc != 0) return rc;
        }
        return 0;
    }

    public static ulong PhysRead(ulong pa) => PhysRead64(pa);
}
