using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pmap.Core.Machine;

/// <summary>
/// Sparse physical memory of 4 KiB frames (512 × u64 each). A frame costs memory only once written
/// (or once touched through a translation); reads of a frame never written return zeros.
/// Frames live in an open-addressing hash (linear probing, Fibonacci hashing), so a machine with
/// terabytes of RAM costs only the frames it touches.
/// </summary>
public sealed class PhysicalMemory
{
    private const ulong EmptyKey = ulong.MaxValue;
    private FrameSlot[] _slots;
    private int _shift;
    private int _count;

    /// <summary>Empty memory with room for <paramref name="initialCapacity"/> frames before it grows.</summary>
    public PhysicalMemory(int initialCapacity = 4096)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, initialCapacity));
        _shift = 64 - BitOperations.Log2((uint)capacity);
        _slots = NewSlots(capacity);
    }

    internal static FrameSlot[] NewSlots(int capacity)
    {
        var slots = new FrameSlot[capacity];
        for (var i = 0; i < slots.Length; i++) slots[i].Key = EmptyKey;
        return slots;
    }

    /// <summary>Number of frames that hold memory.</summary>
    public int FrameCount => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong mfn) => (int)((mfn * 0x9e3779b97f4a7c15UL) >> _shift);

    /// <summary>The frame's words if it holds memory, else null (a read would see zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong[]? TryGetFrame(Mfn mfn)
    {
        // A direct-mapped cache in front of the hash: PMAP and the loads and stores through it touch the same frames over
        // and over. 1024 slots (16 KiB) cover 4 MiB of consecutive frames.
        ref var c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_cache), (int)mfn.Value & (CacheSize - 1));
        if (c.Key == mfn.Value) return c.Frame;
        var frame = Lookup(mfn.Value);
        if (frame is not null) c = new FrameSlot { Key = mfn.Value, Frame = frame };
        return frame;
    }

    private const int CacheSize = 1024;
    private readonly FrameSlot[] _cache = NewSlots(CacheSize);

    private ulong[]? Lookup(ulong mfn)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Slot(mfn); ; i = (i + 1) & mask)
        {
            ref var s = ref slots[i];
            if (s.Key == mfn) return s.Frame;
            if (s.Key == EmptyKey) return null;
        }
    }

    /// <summary>The frame's words, materialising a zeroed frame on first use.</summary>
    public ulong[] GetOrCreateFrame(Mfn mfn) => TryGetFrame(mfn) ?? Insert(mfn.Value);

    /// <summary>The address of the frame's first word, materialising it on first use; valid for the memory's life (frames are pinned).</summary>
    internal unsafe ulong* GetOrCreateFrameWords(Mfn mfn) => (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(GetOrCreateFrame(mfn)));

    private ulong[] Insert(ulong mfn)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(mfn, EmptyKey);
        if ((_count + 1) * 2 > _slots.Length) Grow();
        // Pinned: a frame never moves, so a walk may keep its address (Walker): no object header, null check or GC write barrier.
        var frame = GC.AllocateArray<ulong>(Page.EntriesPerTable, pinned: true);
        var mask = _slots.Length - 1;
        var i = Slot(mfn);
        while (_slots[i].Key != EmptyKey) i = (i + 1) & mask;
        _slots[i] = new FrameSlot { Key = mfn, Frame = frame };
        _count++;
        return frame;
    }

    private void Grow()
    {
        var old = _slots;
        _shift--;
        _slots = NewSlots(old.Length * 2);
        var mask = _slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Key == EmptyKey) continue;
            var i = Slot(s.Key);
            while (_slots[i].Key != EmptyKey) i = (i + 1) & mask;
            _slots[i] = s;
        }
    }

    /// <summary>Physical 64-bit read (page-table walks read this way). Allocates nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read64(PhysAddr pa)
    {
        var frame = TryGetFrame(pa.ToMfn());
        return frame is null ? 0 : Word(frame, pa);
    }

    /// <summary>The word of <paramref name="frame"/> at <paramref name="pa"/>'s page offset: inside the frame, which is a whole page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref ulong Word(ulong[] frame, PhysAddr pa) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(frame), (nint)(pa.PageOffset >> 3));

    /// <summary>Physical 64-bit write (8-byte aligned); returns the value it replaced.</summary>
    public ulong Write64(PhysAddr pa, ulong value)
    {
        if ((pa.Value & 7) != 0) throw new ArgumentException($"unaligned 64-bit access at {pa}", nameof(pa));
        var frame = TryGetFrame(pa.ToMfn());
        if (frame is null)
        {
            if (value == 0) return 0; // zero into a zero frame: nothing to keep
            frame = Insert(pa.ToMfn().Value);
        }
        ref var word = ref Word(frame, pa);
        var old = word;
        word = value;
        return old;
    }
}

/// <summary>
/// An MFN and its frame side by side: one cache line per hash probe (as a C array of structs), and no
/// array-covariance check on store, which an array of arrays would pay.
/// </summary>
internal struct FrameSlot
{
    public ulong Key;
    public ulong[]? Frame;
}
