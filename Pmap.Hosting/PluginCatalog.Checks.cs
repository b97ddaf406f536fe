using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Hosting;

// What each architecture a plugin registers must be before it is used: sane metadata, profiles that build, possible facts, one copy.
public sealed partial class PluginCatalog
{
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

    /// <summary>A sane architecture: a usable name, profiles that build, facts that are possible (<see cref="PortFacts"/>).</summary>
    internal static string? Validate(IArchitecture arch)
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
        foreach (var profile in arch.ProfileNames())
        {
            try
            {
                var model = arch.Create(ArchSettings.For(profile));
                if (PortFacts.Problem(model) is { } impossible) return $"architecture '{name}' profile '{profile}' states impossible facts: {impossible}";
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
        return null;
    }
}
