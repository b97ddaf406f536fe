using System.Numerics;

namespace Pmap.Core.Machine;

/// <summary>
/// xen/common/pmap.c: a bitmap of NUM_FIX_PMAP fixmap slots, pmap_map (first free slot, arch_pmap_map,
/// fix_to_virt) and pmap_unmap (virt_to_fix, clear the bit, arch_pmap_unmap), with every check of the
/// modelled revision and its text. Any NUM_FIX_PMAP, not limited to 64.
/// </summary>
public sealed class CommonPmap
{
    private readonly XenMachine _m;
    private readonly FixmapLayout _fixmap;
    private readonly PmapCommonVariant _variant;
    private readonly ulong[] _inuse; // DECLARE_BITMAP(inuse, NUM_FIX_PMAP)
    private readonly int _numFixPmap;
    // Fixed for the machine's life: held here so that each operation reads them without going through the machine.
    private readonly bool _debug;
    private readonly Cpu _cpu;
    private readonly Trace _trace;
    private readonly ArchModel _arch;
    private readonly bool _hooksObserved;
    private readonly HookSequences? _sequences; // a reviewer's streams in place of the hooks' (pmap hazards --map-seq)

    internal CommonPmap(XenMachine m)
    {
        _m = m;
        _debug = m.Debug;
        _cpu = m.Cpu;
        _trace = m.Trace;
        _arch = m.Arch;
        _hooksObserved = m.Checker is not null || m.Options.Sequences is not null; // a checker brackets the hooks (XenMachine.Hook)
        _sequences = m.Options.Sequences;
        _fixmap = m.Arch.Fixmap;
        _variant = m.Arch.CommonCode;
        _numFixPmap = _fixmap.NumFixPmap;
        _inuse = new ulong[(_numFixPmap + 63) / 64];
    }

    /// <summary>NUM_FIX_PMAP: the number of slots.</summary>
    public int NumFixPmap => _numFixPmap;

    /// <summary>Slots in use now.</summary>
    public int InUse { get; private set; }

    /// <summary>Most slots in use at once since boot.</summary>
    public int MaxInUse { get; private set; }

    /// <summary>The slot's bit in the inuse bitmap is set.</summary>
    public bool IsInUse(int idx) => (_inuse[idx >> 6] & (1UL << (idx & 63))) != 0;

    /// <summary>void *pmap_map(mfn_t mfn).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public VirtAddr Map(Mfn mfn) => TryMap(mfn, out var va) is { } stop ? throw stop : va;

    /// <summary>
    /// pmap_map returning the ASSERT or panic of pmap.c that stops it rather than throwing it, for a caller that counts
    /// stops by the hundred thousand (pmap fuzz): the same checks, in the same places, as <see cref="Map"/>. A check of the
    /// port's hook still throws. Each stop is built out of line, so that the path that does not stop stays small enough for
    /// the JIT to inline the port's hook into it.
    /// </summary>
    internal XenCrashException? TryMap(Mfn mfn, out VirtAddr va)
    {
        va = default;
        if (_debug && _cpu.SystemState >= SystemState.SmpBoot)
            return SystemStateStop("pmap_map", 26);
        if (_variant.AssertNotInIrq && _debug && _cpu.InIrq)
            return InIrqStop("pmap_map", 27);

        var idx = FindFirstZeroBit();
        if (idx == _numFixPmap) return OutOfSlotsStop();
        _inuse[idx >> 6] |= 1UL << (idx & 63);
        if (++InUse > MaxInUse) MaxInUse = InUse;

        var slot = idx + _fixmap.FixPmapBegin;
        if (_debug && !(slot >= _fixmap.FixPmapBegin && slot <= _fixmap.FixPmapEnd))
            return SlotRangeStop("pmap_map", 36);

        va = _fixmap.FixToVirt(slot);
        if (_trace.Enabled) TraceStep(TraceKind.Map, mfn, slot, va);
        // Not set_fixmap(): its map_pages_to_xen would need page tables mapped on demand, through pmap_map again,
        // a loop before map_domain_page works. The arch hook writes the PTE directly; so does pmap_unmap's.
        if (_hooksObserved) ObservedArchPmapMap(slot, mfn, va);
        else
        {
            _m.PmapHook = "arch_pmap_map"; // named only if the hook executes an undeclared instruction
            _arch.ArchPmapMap(_m, slot, mfn);
            _m.PmapHook = null;
        }
        return null;
    }

    /// <summary>void pmap_unmap(const void *p).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Unmap(VirtAddr va)
    {
        if (TryUnmap(va) is { } stop) throw stop;
    }

    /// <summary>pmap_unmap returning the ASSERT of pmap.c that stops it rather than throwing it (see <see cref="TryMap"/>).</summary>
    internal XenCrashException? TryUnmap(VirtAddr va)
    {
        var slot = _fixmap.VirtToFix(va); // the declaration initialiser runs first: its BUG_ON is always live

        if (_debug && _cpu.SystemState >= SystemState.SmpBoot)
            return SystemStateStop("pmap_unmap", 55);
        if (_debug && !(slot >= _fixmap.FixPmapBegin && slot <= _fixmap.FixPmapEnd))
            return SlotRangeStop("pmap_unmap", 56);
        if (_variant.AssertNotInIrq && _debug && _cpu.InIrq)
            return InIrqStop("pmap_unmap", 57);

        var idx = slot - _fixmap.FixPmapBegin;
        if (_trace.Enabled) TraceStep(TraceKind.Unmap, null, slot, va);
        if ((uint)idx < (uint)_numFixPmap)
        {
            ref var word = ref _inuse[idx >> 6];
            var bit = 1UL << (idx & 63);
            if ((word & bit) != 0) InUse--;
            else _m.Hazard($"pmap_unmap of slot {slot} whose bit is already clear (double unmap goes undetected)", va);
            word &= ~bit;
        }
        else
        {
            ClearBitOutsideBitmap(idx, slot, va);
        }
        if (_hooksObserved) ObservedArchPmapUnmap(slot, va);
        else
        {
            _m.PmapHook = "arch_pmap_unmap";
            _arch.ArchPmapUnmap(_m, slot);
            _m.PmapHook = null;
        }
        return null;
    }

    // The ordering checker's brackets, out of line: a try/finally would cost the unchecked path its registers.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ObservedArchPmapMap(int slot, Mfn mfn, VirtAddr va)
    {
        if (_sequences?.Map is { } seq) _m.RunSequence("arch_pmap_map", va, seq, () => _arch.ArchPmapMap(_m, slot, mfn));
        else using (_m.Hook("arch_pmap_map", va)) _arch.ArchPmapMap(_m, slot, mfn);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ObservedArchPmapUnmap(int slot, VirtAddr va)
    {
        if (_sequences?.Unmap is { } seq) _m.RunSequence("arch_pmap_unmap", va, seq, () => _arch.ArchPmapUnmap(_m, slot));
        else using (_m.Hook("arch_pmap_unmap", va)) _arch.ArchPmapUnmap(_m, slot);
    }

    // pmap.c's stops, by line of the modelled revision's pmap.c.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private PmapSystemStateAssertException SystemStateStop(string where, int line) => new PmapSystemStateAssertException(where, _variant.Site(line));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private PmapInIrqAssertException InIrqStop(string where, int line) => new PmapInIrqAssertException(where, _variant.Site(line));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private OutOfPmapSlotsPanicException OutOfSlotsStop() => new OutOfPmapSlotsPanicException(_variant.Site(31));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private PmapSlotRangeAssertException SlotRangeStop(string where, int line) =>
        new PmapSlotRangeAssertException(_variant.SlotRangeCondition, where, _variant.Site(line));

    /// <summary>__clear_bit(idx) for a slot pmap_map never hands out: a hazard, never a check (off the hot path).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ClearBitOutsideBitmap(int idx, int slot, VirtAddr va)
    {
        // Release build (or FIX_PMAP_END one past the last slot): __clear_bit(idx) of a bit past NUM_FIX_PMAP. DECLARE_BITMAP
        // stores whole unsigned longs, so a bit in the last word's spare bits is still inside `inuse`; only one past it is not.
        var storage = (_numFixPmap + _arch.BitsPerLong - 1) / _arch.BitsPerLong * _arch.BitsPerLong;
        var what = $"slot {slot} is {_fixmap.NameOf(slot)}, not a PMAP slot";
        if (idx >= 0 && idx < storage)
        {
            _inuse[idx >> 6] &= ~(1UL << (idx & 63));
            _m.Hazard($"__clear_bit({idx}) past NUM_FIX_PMAP ({_numFixPmap}) but inside the bitmap's {storage / _arch.BitsPerLong} " +
                $"unsigned long(s) of {_arch.BitsPerLong} bits: it stays in storage and clears a bit pmap_map never uses ({what})", va);
        }
        else
        {
            _m.Hazard($"__clear_bit({idx}) outside the {storage}-bit storage of the {_numFixPmap}-bit PMAP bitmap: " +
                $"an out-of-bounds write ({what})", va);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void TraceStep(TraceKind kind, Mfn? mfn, int slot, VirtAddr va) =>
        _m.Trace.Add(new TraceEvent(kind) { Mfn = mfn, Slot = slot, Va = va });

    /// <summary>find_first_zero_bit(inuse, NUM_FIX_PMAP): NUM_FIX_PMAP when all are set.</summary>
    private int FindFirstZeroBit()
    {
        for (var w = 0; w < _inuse.Length; w++)
        {
            var free = ~_inuse[w];
            if (free == 0) continue;
            var idx = (w << 6) + BitOperations.TrailingZeroCount(free);
            return idx < _numFixPmap ? idx : _numFixPmap;
        }
        return _numFixPmap;
    }
}
