using System.Text;
using Pmap.Core.Arch;

namespace Pmap.Host.Views;

/// <summary>
/// The Xen function that issued each instruction of a trace, and where the profile's release defines it. A port's method is
/// named after the Xen function it models (WritePte is write_pte), and the trace names the method; the places are read from
/// Xen's tags (RELEASE-X.Y.Z), as a timeline per function like a release fact. A place the model does not know (the x86
/// series, seed-v3's posted patch, a helper with no entry here) is left out: the function is still named.
/// </summary>
public static class XenFunctions
{
    // Arm: write_pte moved from asm/arm{32,64}/page.h into asm/page.h in 4.18.0, and down the file in 4.18.1/4.19.0 and 4.21.0.
    private static readonly FactTimeline<string> ArmWritePte = new("write_pte",
    [
        new("arch/arm/include/asm/page.h:254", null, "4.18.0"), new("arch/arm/include/asm/page.h:275", null, "4.18.1", "4.19.0"),
        new("arch/arm/include/asm/page.h:283", null, "4.21.0"),
    ]);

    private static readonly Dictionary<(string Family, string Function), FactTimeline<string>> Places = new()
    {
        [("arm64", "write_pte")] = new("write_pte", [new("arch/arm/include/asm/arm64/page.h:9", null, "4.17.0"), .. ArmWritePte.Changes]),
        [("arm32", "write_pte")] = new("write_pte", [new("arch/arm/include/asm/arm32/page.h:11", null, "4.17.0"), .. ArmWritePte.Changes]),
        [("arm", "flush_xen_tlb_range_va_local")] = new("flush_xen_tlb_range_va_local",
            [new("arch/arm/include/asm/flushtlb.h:35", null, "4.17.0")]),
        [("arm", "arch_pmap_map")] = new("arch_pmap_map", [new("arch/arm/include/asm/pmap.h:8", null, "4.17.0")]),
        [("arm", "arch_pmap_unmap")] = new("arch_pmap_unmap",
            [new("arch/arm/include/asm/pmap.h:20", null, "4.17.0"), new("arch/arm/include/asm/pmap.h:25", null, "4.18.0")]),
        [("riscv", "write_pte")] = new("write_pte", [new("arch/riscv/include/asm/page.h:194", null, "4.20.0"),
            new("arch/riscv/include/asm/page.h:197", null, "4.21.0"), new("arch/riscv/include/asm/page.h:234", null, "4.22.0")]),
        [("riscv", "flush_tlb_one_local")] = new("flush_tlb_one_local",
            [new("arch/riscv/include/asm/flushtlb.h:11", null, "4.20.0"), new("arch/riscv/include/asm/flushtlb.h:25", null, "4.22.0")]),
        [("riscv", "arch_pmap_map")] = new("arch_pmap_map", [new("arch/riscv/include/asm/pmap.h:14", null, "4.20.0")]),
        [("riscv", "arch_pmap_unmap")] = new("arch_pmap_unmap", [new("arch/riscv/include/asm/pmap.h:27", null, "4.20.0")]),
    };

    /// <summary>
    /// The Xen function of an event issued by the port method <paramref name="member"/>. RISC-V's hooks store and flush inline
    /// where Xen calls write_pte and flush_tlb_one_local (asm/pmap.h), so there the instruction's kind names the function.
    /// </summary>
    public static string? Of(string arch, string? member, string kind)
    {
        if (member is null) return null;
        if (arch == "riscv" && member is "ArchPmapMap" or "ArchPmapUnmap")
        {
            if (kind == "pte-write") return "write_pte";
            if (kind == "tlb-flush") return "flush_tlb_one_local";
        }
        return member switch
        {
            "WritePte" or "WritePteVirt" => "write_pte",
            _ => SnakeCase(member),
        };
    }

    /// <summary>file:line of <paramref name="function"/> in <paramref name="release"/> (4.18.2, upstream), or null when not known.</summary>
    public static string? Place(string arch, string function, string? release)
    {
        if (release is null) return null;
        var family = arch.StartsWith("arm", StringComparison.Ordinal) && function != "write_pte" ? "arm" : arch;
        if (!Places.TryGetValue((family, function), out var timeline)) return null;
        return timeline.Changes.Any(c => XenRelease.Contains(release, c.FirstIn)) ? timeline.At(release).Value : null;
    }

    /// <summary>The release a profile models (an alias is its newest release), or null for a profile that is no release.</summary>
    public static string? ReleaseOf(IArchitecture arch, string profile)
    {
        if (arch is not IReleaseHistory history) return null;
        var target = XenRelease.BranchAliases(history.Releases.Select(r => r.Release))
            .Where(a => a.Alias == profile).Select(a => XenRelease.ProfileName(a.Release)).FirstOrDefault() ?? profile;
        return history.Releases.FirstOrDefault(r => r.Profile == target)?.Release;
    }

    // FlushXenTlbRangeVaLocal -> flush_xen_tlb_range_va_local.
    private static string SnakeCase(string member)
    {
        var sb = new StringBuilder();
        foreach (var ch in member)
        {
            if (char.IsUpper(ch) && sb.Length > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(ch));
        }
        return sb.ToString();
    }
}
