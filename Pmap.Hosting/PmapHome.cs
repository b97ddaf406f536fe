namespace Pmap.Hosting;

/// <summary>
/// The per-user folder: PMAP_HOME when set, else ~/.pmap. It holds appsettings.json (read after the bundled
/// defaults) and plugins/&lt;Name&gt;/&lt;Name&gt;.dll (searched after the bundled plugins).
/// </summary>
public static class PmapHome
{
    public const string Variable = "PMAP_HOME";

    public static string Folder
    {
        get
        {
            var set = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(set)) return Path.GetFullPath(set);
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pmap");
        }
    }

    public static string Settings => Path.Combine(Folder, "appsettings.json");

    public static string Plugins => Path.Combine(Folder, "plugins");
}
