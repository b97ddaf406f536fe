#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmap.Core.Machine;

/// <summary>A cached translation of one 4 KiB virtual page.</summary>
internal struct TlbEntry
{
    public ulong Vpn;
    public bool InUse;
    /// <summary>A cached fault ("negative" entry): only on architectures that may cache invalid entries.</summary>
    public bool Negative;
    public PhysAddr PagePa;
    /// <summary>The leaf the walk found, and its level: a TLB caches its permissions, and every hit is checked against them.</summary>
    public ulong LeafEntry;
    public int LeafLevel;
    /// <summary>
    /// The address of the backing frame's words, held like QEMU's softmmu addend so that a hit costs no frame lookup; 0
    /// for none. PhysicalMemory's frames are pinned and live as long as the machine, so the address stays valid, and a
    /// fill stores no GC reference.
    /// </summary>
    public nint Words;
}

/// <summary>
/// A direct-mapped TLB indexed by VPN. Entries leave only through the flush operations an architecture
/// performs (or by being replaced by a later fill of the same set), so a missing flush shows up as a stale
/// translation, as on hardware.
/// </summary>
public sealed class Tlb
{
    private readonly TlbEntry[] _entries;
    private readonly int _mask;

    public Tlb(int entries = 64)
    {
        if (entries <= 0 || (entries & (entries - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(entries), "a power of two");
        _entries = new TlbEntry[entries];
        _mask = entries - 1;
    }

    public int Size => _entries.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref TlbEntry Lookup(VirtAddr va, out bool hit)
    {
        var vpn = va.PageNumber;
        // _mask is the array's length - 1: the index is always inside it.
        ref var e = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), (int)vpn & _mask);
        hit = e.InUse && e.Vpn == vpn;
        return ref e;
    }

    /// <summary>Caches a translation; <paramref name="words"/> is a pinned frame's address (<see cref="TlbEntry.Words"/>), or 0.</summary>
    internal void Fill(VirtAddr va, PhysAddr pagePa, ulong leafEntry, int leafLevel, nint words)
    {
        var vpn = va.PageNumber;
        ref var e = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), (int)vpn & _mask);
        e.Vpn = vpn;
        e.InUse = true;
        e.Negative = false;
        e.PagePa = pagePa;
        e.LeafEntry = leafEntry;
        e.LeafLevel = leafLevel;
        e.Words = words;
    }

    public void FillNegative(VirtAddr va)
    {
        var vpn = va.PageNumber;
        _entries[(int)(vpn & (ulong)_mask)] = new TlbEntry { Vpn = vpn, InUse = true, Negative = true };
    }

    /// <summary>Invalidates the entry for this VA, if cached (tlbi vae2, TLBIMVAH, invlpg, sfence.vma va).</summary>
    public void FlushVa(VirtAddr va)
    {
        ref var e = ref Lookup(va, out var hit);
        if (hit) e = default;
    }

    public void FlushAll() => Array.Clear(_entries);

    /// <summary>Whether a load of <paramref name="va"/> would hit a translation here (a negative entry faults instead).</summary>
    public bool Translates(VirtAddr va)
    {
        ref var e = ref Lookup(va, out var hit);
        return hit && !e.Negative;
    }

    /// <summary>The page a cached translation of <paramref name="va"/> leads to, without a walk or a fill; null when none is cached.</summary>
    public PhysAddr? CachedPage(VirtAddr va)
    {
        ref var e = ref Lookup(va, out var hit);
        return hit && !e.Negative ? e.PagePa : null;
    }

    /// <summary>True if a translation (positive or negative) for this VA is cached.</summary>
    public bool Contains(VirtAddr va)
    {
        Lookup(va, out var hit);
        return hit;
    }

    public int Count => _entries.Count(e => e.InUse);
}
