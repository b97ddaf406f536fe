using CsCheck;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Machine;
using Pmap.TestArch;

namespace Pmap.Core.Tests;

/// <summary>Invariants of pmap.c over random map/unmap/touch sequences.</summary>
public class PmapPropertyTests
{
    // An operation: 0 = map a frame, 1 = unmap the k-th live mapping, 2 = touch the k-th live mapping.
    private static readonly Gen<(int Op, ulong Frame, int K)> Op = Gen.Select(Gen.Int[0, 2], Gen.ULong[0x40000, 0x40fff], Gen.Int[0, 15]);

    [Fact]
    public void Bitmap_ptes_translations_and_faults_stay_consistent()
    {
        Gen.Select(Op.Array[1, 60], Gen.Int[1, 12]).Sample((ops, n) =>
        {
            var m = new FakeArchitecture().Create(ArchSettings.For("plain", n)).Boot();
            var fixmap = ((FakeModel)m.Arch).Fixmap3;
            var live = new List<(VirtAddr Va, Mfn Mfn)>();
            var unmapped = new List<VirtAddr>();
            foreach (var (op, frame, k) in ops)
            {
                if (op == 0)
                {
                    if (live.Count == n)
                    {
                        // A full bitmap panics; nothing changes.
                        try { m.Pmap.Map(new Mfn(frame)); return false; } catch (OutOfPmapSlotsPanicException) { }
                        continue;
                    }
                    var va = m.Pmap.Map(new Mfn(frame));
                    if (live.Any(l => l.Va == va)) return false; // no slot handed out twice
                    live.Add((va, new Mfn(frame)));
                    unmapped.Remove(va);
                }
                else if (live.Count > 0)
                {
                    var (va, mfn) = live[k % live.Count];
                    if (op == 1)
                    {
                        m.Pmap.Unmap(va);
                        live.RemoveAt(k % live.Count);
                        unmapped.Add(va);
                    }
                    else
                    {
                        m.WriteVirt64(va, mfn.Value);
                        if (m.Translate(va) != mfn.ToPhysAddr()) return false;
                    }
                }

                // The bitmap is exactly the set of valid PMAP PTEs.
                for (var idx = 0; idx < n; idx++)
                {
                    var valid = (m.Memory.Read64(fixmap.Add((ulong)(FakeModel.FixPmapBegin + idx) * 8)) & FakeModel.Valid) != 0;
                    if (valid != m.Pmap.IsInUse(idx)) return false;
                }
                if (m.Pmap.InUse != live.Count) return false;
            }
            // Every live VA translates to its frame; every unmapped one faults (no stale TLB entry survives).
            foreach (var (va, mfn) in live)
                if (m.Translate(va) != mfn.ToPhysAddr()) return false;
            foreach (var va in unmapped)
            {
                try { m.ReadVirt64(va); return false; } catch (HypervisorFaultException) { }
            }
            return true;
        });
    }
}
