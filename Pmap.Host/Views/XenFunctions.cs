using System.Text;
using Pmap.Core.Arch;

namespace Pmap.Host.Views;

/// <summary>
/// The Xen function that issued each instruction of a trace, and where the profile's release defines it. A port's method is
/// named after the Xen function it models (WritePte is write_pte), and the trace names the method; the places are the port's
/// facts (<see cref="ArchModel.XenFunctionPlaces"/>). A place the port does not state (the x86 series, seed-v3's posted patch,
/// a profile that is no release) is left out: the function is still named.
/// </summary>
public static class XenFunctions
{
    /// <summary>The Xen function of an event issued by the port method <paramref name="member"/>.</summary>
    public static string? Of(string? member) => member switch
    {
        null => null,
        "WritePte" or "WritePteVirt" => "write_pte",
        _ => SnakeCase(member),
    };

    /// <summary>file:line of each function the port places, in <paramref name="release"/> (4.18.2, upstream); empty when no release.</summary>
    public static IReadOnlyDictionary<string, string> Places(ArchModel model, string? release)
    {
        var places = new Dictionary<string, string>(StringComparer.Ordinal);
        if (release is null) return places;
        foreach (var timeline in model.XenFunctionPlaces)
            if (timeline.Changes.Any(c => XenRelease.Contains(release, c.FirstIn))) places[timeline.Name] = timeline.At(release).Value;
        return places;
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
