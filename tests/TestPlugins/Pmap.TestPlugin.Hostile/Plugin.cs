using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.TestArch;

namespace Pmap.TestPlugin.Hostile;

/// <summary>
/// Architecture "hostile": a plugin that misbehaves as HOSTILE_PLUGIN asks (a comma-separated list): "ctor" throws from its
/// entry type's constructor (a message of two lines), "oom" runs out of memory there (an array past the runtime's largest,
/// refused before anything is allocated), "map" throws from arch_pmap_map, "console" writes to the console
/// while loading and in its hooks, "recurse" recurses without end in arch_pmap_map. Unset, it is a plain test architecture.
/// </summary>
public sealed class Plugin : TestArchPlugin
{
    private static readonly string[] Asked = (Environment.GetEnvironmentVariable("HOSTILE_PLUGIN") ?? "").Split(',');

    public Plugin()
        : base(() => new FakeArchitecture("hostile", hook: Hook))
    {
        if (Asked.Contains("ctor")) throw new InvalidOperationException("the hostile constructor failed\nand said so on a second line");
        if (Asked.Contains("oom")) GC.KeepAlive(new byte[Array.MaxLength + 1L]);
        if (Asked.Contains("console")) Console.WriteLine("hostile: hello from the constructor");
    }

    public override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        if (Asked.Contains("console")) Console.Out.WriteLine("hostile: hello from ConfigureServices");
        base.ConfigureServices(services, configuration);
    }

    private static void Hook(string hook)
    {
        if (Asked.Contains("console")) Console.WriteLine($"hostile: hello from {hook}");
        if (Asked.Contains("map") && hook == "arch_pmap_map") throw new InvalidOperationException("arch_pmap_map failed on purpose");
        if (Asked.Contains("recurse") && hook == "arch_pmap_map") Recurse(0);
    }

    private static int Recurse(int depth) => Recurse(depth + 1) + 1;
}
