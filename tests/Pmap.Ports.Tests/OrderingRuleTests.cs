using Microsoft.Extensions.Configuration;
using Pmap.Arch.Arm;
using Pmap.Arch.Arm64;
using Pmap.Arch.RiscV;
using Pmap.Arch.X86;
using Pmap.Core;
using Pmap.Core.Arch;
using Pmap.Core.Conformance;
using Pmap.Core.Machine;

namespace Pmap.Ports.Tests;

/// <summary>Each rule's trigger and non-trigger, on the real port's tables, with the sequence written out instruction by instruction.</summary>
public class OrderingRuleTests
{
    private static readonly MachineOptions Checked = new() { TraceEnabled = false, CheckOrdering = true };

    private static (XenMachine M, PhysAddr Entry, VirtAddr Va, ulong Pte) Arm(bool mapped)
    {
        var arm = (ArmModel)new Arm64Architecture().Create(ArchSettings.For("upstream"));
        var m = arm.Boot(Checked);
        var slot = ArmModel.FixPmapBegin;
        var entry = arm.XenFixmap.Add((ulong)slot * Page.EntryBytes);
        var va = m.Pmap.Map(new Mfn(0x40800)); // a correct map (dsb; str; dsb; isb) to learn the PTE
        var pte = m.Memory.Read64(entry);
        if (!mapped) m.Pmap.Unmap(va);
        return (m, entry, va, pte);
    }

    /// <summary>The port's declared instruction of this mnemonic.</summary>
    private static Instruction I(XenMachine m, string mnemonic) => m.Arch.Instructions.Get(mnemonic, "the test");

    private static List<string> Run(XenMachine m, VirtAddr va, Action<XenMachine> body)
    {
        var before = m.Checker!.Violations.Count;
        using (m.Hook("test", va)) body(m);
        return m.Checker.Violations.Skip(before).Select(v => v.Rule.Id).ToList();
    }

    /// <summary>A store to <paramref name="e"/> (0 unless <paramref name="store"/>), then the named barriers, TLBIs and isb in order.</summary>
    private static Action<XenMachine> Removal(PhysAddr e, VirtAddr va, params string[] steps) => Removal(e, va, steps, 0);

    private static Action<XenMachine> Removal(PhysAddr e, VirtAddr va, string[] steps, ulong store) => m =>
    {
        m.WritePte(e, store, I(m, "str"));
        foreach (var step in steps)
        {
            if (step.StartsWith("tlbi", StringComparison.Ordinal)) m.FlushTlbVa(I(m, step), va);
            else if (step == "isb") m.ContextSynchronize(I(m, step));
            else m.Barrier(I(m, step));
        }
    };

    [Fact]
    public void Arm_new_entry_needs_dsb_then_isb()
    {
        var (m, e, va, pte) = Arm(mapped: false);
        // 4.17's arch_pmap_map: dsb sy; str; dsb sy: a fault on the next load is allowed, so ARM-NEW-ISB.
        Assert.Equal(["ARM-NEW-ISB"], Run(m, va, m => { m.Barrier(I(m, "dsb sy")); m.WritePte(e, pte, I(m, "str")); m.Barrier(I(m, "dsb sy")); }));
        m.WritePte(e, 0, I(m, "str"));
        Assert.Equal(["ARM-NEW-DSB"], Run(m, va, m => { m.WritePte(e, pte, I(m, "str")); m.ContextSynchronize(I(m, "isb")); }));
        m.WritePte(e, 0, I(m, "str"));
        // Upstream: the leading dsb may go; the trailing dsb and the isb are what the rules ask for.
        Assert.Empty(Run(m, va, m => { m.WritePte(e, pte, I(m, "str")); m.Barrier(I(m, "dsb sy")); m.ContextSynchronize(I(m, "isb")); }));
    }

    [Fact]
    public void Arm_removal_needs_dsb_tlbi_dsb_isb_in_that_order()
    {
        (XenMachine, PhysAddr, VirtAddr) Fresh() { var (m, e, va, _) = Arm(mapped: true); return (m, e, va); }
        var (m, e, va) = Fresh();
        Assert.Empty(Run(m, va, Removal(e, va, "dsb nshst", "tlbi vae2", "dsb nsh", "isb")));
        (m, e, va) = Fresh();
        Assert.Equal(["ARM-RM-TLBI"], Run(m, va, Removal(e, va, "dsb sy", "isb")));
        (m, e, va) = Fresh();
        Assert.Equal(["ARM-RM-DSB-BEFORE"], Run(m, va, Removal(e, va, "tlbi vae2", "dsb sy", "isb")));
        (m, e, va) = Fresh();
        // A DSB with ST waits for stores only: it does not complete the TLBI.
        Assert.Equal(["ARM-RM-DSB-AFTER"], Run(m, va, Removal(e, va, "dsb sy", "tlbi vae2", "dsb nshst", "isb")));
        (m, e, va) = Fresh();
        // A DSB NSH completes a broadcast TLBI on this PE only: enough while one CPU runs (herd7's VMSA model forbids the stale
        // translation on one PE), not once others do.
        Assert.Empty(Run(m, va, Removal(e, va, "dsb sy", "tlbi vae2is", "dsb nsh", "isb")));
        (m, e, va) = Fresh();
        m.Cpu.SystemState = SystemState.SmpBoot;
        Assert.Equal(["ARM-RM-DSB-AFTER"], Run(m, va, Removal(e, va, "dsb sy", "tlbi vae2is", "dsb nsh", "isb")));
        (m, e, va) = Fresh();
        Assert.Equal(["ARM-RM-ISB"], Run(m, va, Removal(e, va, "dsb sy", "tlbi vae2", "dsb sy")));
    }

    [Fact]
    public void Arm_local_tlbi_is_enough_only_before_smp_boot()
    {
        var (m, e, va, _) = Arm(mapped: true);
        m.Cpu.SystemState = SystemState.SmpBoot;
        Assert.Equal(["ARM-LOCAL-TLBI"], Run(m, va, Removal(e, va, "dsb sy", "tlbi vae2", "dsb sy", "isb")));
        (m, e, va, _) = Arm(mapped: true);
        m.Cpu.SystemState = SystemState.SmpBoot;
        Assert.Empty(Run(m, va, Removal(e, va, "dsb ishst", "tlbi vae2is", "dsb ish", "isb")));
    }

    [Fact]
    public void Arm_changing_the_output_address_of_a_valid_entry_needs_break_before_make()
    {
        var (m, e, va, pte) = Arm(mapped: true);
        var full = (XenMachine m, ulong v) => Removal(e, va, ["dsb sy", "tlbi vae2", "dsb sy", "isb"], v)(m);
        Assert.Contains("ARM-BBM", Run(m, va, m => full(m, pte + Page.Size))); // OA + 4 KiB
        (m, e, va, pte) = Arm(mapped: true);
        Assert.DoesNotContain("ARM-BBM", Run(m, va, m => full(m, pte | (1UL << 54)))); // XN only: same OA, same size
    }

    private static (XenMachine M, PhysAddr Entry, VirtAddr Va) RiscV(string? key = null, string? value = null)
    {
        var section = key is null ? null : new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        var rv = (RiscVModel)new RiscVArchitecture().Create(ArchSettings.For(new RiscVArchitecture().DefaultProfile, section: section));
        return (rv.Boot(Checked), rv.XenFixmap, rv.FixmapAddr(0));
    }

    [Fact]
    public void Riscv_new_entry_needs_sfence_unless_svvptc_and_removal_always_does()
    {
        const ulong pte = 0x20fff807; // Sv39Pte.FromMfn(0x83ffe, V|R|W): the PMAP entry hazards shows for the default bank
        var (m, e, va) = RiscV();
        Assert.Equal(["RV-NEW-SFENCE"], Run(m, va, m => m.WritePte(e, pte, I(m, "sd"))));
        Assert.Equal(["RV-RM-SFENCE"], Run(m, va, m => m.WritePte(e, 0, I(m, "sd"))));
        Assert.Empty(Run(m, va, m => { m.WritePte(e, pte, I(m, "sd")); m.FlushTlbVa(I(m, "sfence.vma"), va); }));
        (m, e, va) = RiscV("Svvptc", "true");
        Assert.Empty(Run(m, va, m => m.WritePte(e, pte, I(m, "sd"))));
    }

    [Fact]
    public void Riscv_svade_faults_at_the_first_pmap_touch_and_hardware_ad_does_not()
    {
        var (m, _, _) = RiscV("AdBehaviour", "svade");
        var va = m.Pmap.Map(new Mfn(0x80800));
        Assert.Throws<HypervisorFaultException>(() => m.ReadVirt64(va));
        Assert.Equal("RV-SVADE", Assert.Single(m.Checker!.Violations).Rule.Id);
        (m, _, _) = RiscV();
        m.ReadVirt64(m.Pmap.Map(new Mfn(0x80800)));
        Assert.Empty(m.Checker!.Violations);
    }

    [Fact]
    public void X86_new_entries_need_no_flush_and_removals_need_invlpg()
    {
        var x86 = new X86Architecture().Create(ArchSettings.For(new X86Architecture().DefaultProfile));
        var m = x86.Boot(Checked);
        var va = m.Pmap.Map(new Mfn(0x100800)); // mov only: not-present entries are not cached
        Assert.Empty(m.Checker!.Violations);
        var e = m.WalkDetailed(va).Steps[^1];
        var entry = e.Table.Add((ulong)e.Index * Page.EntryBytes);
        Assert.Equal(["X86-RM-INVLPG"], Run(m, va, m => m.WritePte(entry, 0, I(m, "mov"))));
        m.WritePte(entry, e.Entry, I(m, "mov"));
        Assert.Empty(Run(m, va, m => { m.WritePte(entry, 0, I(m, "mov")); m.FlushTlbVa(I(m, "invlpg"), va); }));
    }

    /// <summary>A test architecture: RISC-V with the sfence.vma after the PMAP store deleted, so a port that forgot it.</summary>
    private sealed class ForgetfulRiscV : IArchitecture
    {
        private readonly RiscVArchitecture _real = new();
        public string Name => _real.Name;
        public string Description => "riscv with arch_pmap_map's sfence.vma deleted";
        public IReadOnlyList<IProfile> Profiles => _real.Profiles;
        public string DefaultProfile => _real.DefaultProfile;
        public IReadOnlyList<ArchOption> Options => _real.Options;

        public ArchModel Create(ArchSettings settings) => _real.Create(settings with
        {
            Section = new ConfigurationBuilder().AddInMemoryCollection([new("MapSfence", "false")]).Build(),
        });
    }

    [Fact]
    public void Conformance_fails_a_port_whose_map_side_flush_is_deleted()
    {
        var failed = ConformanceSuite.RunAll(new ForgetfulRiscV()).Where(r => !r.Passed).ToList();
        var r = Assert.Single(failed);
        Assert.Equal(ConformanceCheck.OrderingRules, r.Check);
        Assert.StartsWith("RV-NEW-SFENCE at the end of arch_pmap_map: sd xen_fixmap[0] = 0x", r.Detail);
        Assert.Contains("<missing: sfence.vma of the VA>", r.Detail);
    }
}
