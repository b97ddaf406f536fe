using System.Reflection;
using System.Runtime.Versioning;

namespace Pmap.Hosting;

/// <summary>
/// The .NET a plugin was built for, when it is not the one pmap was: the reason a plugin that fails to load most likely failed.
/// A port compiles against the contract, which is built for pmap's own framework alone, so a plugin built for an older .NET
/// (net8.0 against an older contract), a newer one (System.Runtime 11 on a .NET 10 host) or .NET Framework cannot be right.
/// </summary>
internal static class PluginFramework
{
    private static readonly FrameworkName Host = Of(typeof(PluginFramework).Assembly) ?? new FrameworkName(".NETCoreApp", new Version(10, 0));

    /// <summary>"built for .NET 8.0, but pmap loads plugins built for .NET 10.0: rebuild it for net10.0", or null when they agree.</summary>
    public static string? Mismatch(Assembly plugin)
    {
        if (Of(plugin) is not { } built || (built.Identifier == Host.Identifier && built.Version.Major == Host.Version.Major)) return null;
        return $"built for {Display(built)}, but pmap loads plugins built for {Display(Host)}: rebuild it for {Moniker(Host)}";
    }

    /// <summary>The assembly's [TargetFramework], or what its core library reference implies when that attribute cannot be read.</summary>
    private static FrameworkName? Of(Assembly assembly)
    {
        try
        {
            foreach (var a in assembly.GetCustomAttributesData())
                if (a.AttributeType.FullName == typeof(TargetFrameworkAttribute).FullName && a.ConstructorArguments is [{ Value: string name }])
                    return new FrameworkName(name);
        }
        catch (Exception e) when (e is IOException or TypeLoadException or ArgumentException)
        {
            // An attribute type from a framework this runtime lacks: fall back on the references below.
        }
        var refs = assembly.GetReferencedAssemblies();
        if (refs.FirstOrDefault(r => r.Name == "System.Runtime") is { Version: { } v }) return new FrameworkName(".NETCoreApp", new Version(v.Major, v.Minor));
        if (refs.FirstOrDefault(r => r.Name == "netstandard") is { Version: { } s }) return new FrameworkName(".NETStandard", new Version(s.Major, s.Minor));
        if (refs.Any(r => r.Name == "mscorlib")) return new FrameworkName(".NETFramework", new Version(4, 0));
        return null;
    }

    private static string Display(FrameworkName f) => f.Identifier switch
    {
        ".NETCoreApp" => $".NET {f.Version.Major}.{f.Version.Minor}",
        ".NETFramework" => $".NET Framework {f.Version}",
        ".NETStandard" => $".NET Standard {f.Version}",
        _ => f.FullName,
    };

    /// <summary>The target framework moniker a project file names (net10.0).</summary>
    private static string Moniker(FrameworkName f) => $"net{f.Version.Major}.{f.Version.Minor}";
}
