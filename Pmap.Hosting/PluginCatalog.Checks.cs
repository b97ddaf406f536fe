using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Hosting;

// What each architecture a plugin registers must be before it is used: sane metadata, profiles that build, possible facts, one copy.
public sealed partial class PluginCatalog
{
    private readonly Dictionary<(IArchitecture Architecture, string Profile), string?> _profileProblems = [];

    /// <summary>
    /// A profile checked as at load before it is used, unless the load checked it (the default, or every profile): building every
    /// profile of every architecture at load made each command pay for profiles it never uses. A bad one refuses the architecture.
    /// </summary>
    public void CheckProfile(IArchitecture arch, string profile)
    {
        if (_everyProfile || profile == arch.DefaultProfile) return;
        if (!_profileProblems.TryGetValue((arch, profile), out var problem))
            _profileProblems[(arch, profile)] = problem = ProfileProblem(arch, arch.Name, profile);
        if (problem is null) return;
        var plugin = _architectures.FirstOrDefault(a => a.Architecture == arch)?.Plugin.Path ?? arch.Name;
        throw new PluginFolderException($"plugin {plugin} was refused: {problem}");
    }

    private string? Duplicate(IArchitecture arch)
    {
        var first = _architectures.FirstOrDefault(a => string.Equals(a.Architecture.Name, arch.Name, StringComparison.OrdinalIgnoreCase));
        // Deterministic: the first copy found is used (bundled, user, configured folders, each by plugin folder name); both are named.
        return first is null ? null
            : $"architecture '{arch.Name}' is provided twice: {first.Plugin.Path} was found first and is used; this copy is not";
    }

    private static string? NameOf(IArchitecture arch)
    {
        try
        {
            return arch.Name;
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// A sane architecture: a usable name, and its default profile (with <paramref name="everyProfile"/>, every profile) builds
    /// with facts that are possible (<see cref="PortFacts"/>).
    /// </summary>
    internal static string? Validate(IArchitecture arch, bool everyProfile)
    {
        string name;
        try
        {
            name = arch.Name;
            if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                return $"architecture name '{name}' must be lower-case letters, digits and '-'";
            if (arch.Profiles.Count == 0) return $"architecture '{name}' offers no profile";
            if (!arch.ProfileNames().Contains(arch.DefaultProfile))
                return $"architecture '{name}': default profile '{arch.DefaultProfile}' is not among its profiles";
        }
        catch (Exception e)
        {
            return $"architecture metadata threw {e.GetType().Name}: {e.Message}";
        }
        foreach (var profile in everyProfile ? arch.ProfileNames() : [arch.DefaultProfile])
            if (ProfileProblem(arch, name, profile) is { } problem) return problem;
        return null;
    }

    /// <summary>Why <paramref name="profile"/> of <paramref name="arch"/> (named <paramref name="name"/>) cannot be used, or null.</summary>
    private static string? ProfileProblem(IArchitecture arch, string name, string profile)
    {
        try
        {
            var model = arch.Create(ArchSettings.For(profile));
            return PortFacts.Problem(model) is { } impossible ? $"architecture '{name}' profile '{profile}' states impossible facts: {impossible}" : null;
        }
        catch (PmapPluginException e)
        {
            return $"architecture '{name}' profile '{profile}': {e.Reason}";
        }
        catch (Exception e)
        {
            return $"architecture '{name}' profile '{profile}' cannot be built with default settings: {e.GetType().Name}: {e.Message}";
        }
    }
}
