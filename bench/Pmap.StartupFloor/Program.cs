using System.CommandLine;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Port;

// The start-up floor: what a light pmap command cannot go below while it keeps the stack it must (issue 29): the command
// line parsed with System.CommandLine, appsettings.json and PMAP_ variables read with Microsoft.Extensions.Configuration,
// one trivial plugin loaded with McMaster.NETCore.Plugins sharing the contract (Pmap.Port), its service registered and
// resolved through Microsoft.Extensions.DependencyInjection, one line printed. Precompiled as pmap is. No model, no tables.
// Usage: pmap-startup-floor [--arch NAME]; prints "NAME: floor".
const string Plugin = "Pmap.StartupFloor.Plugin";
var arch = new Option<string?>("--arch") { Description = "A name to print (default: the configured Architecture)." };
var root = new RootCommand("pmap-startup-floor: the start-up of pmap's required stack, nothing else.") { arch };
root.SetAction(parse =>
{
    var configuration = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
        .AddEnvironmentVariables("PMAP_")
        .Build();
    // As pmap loads a port: its own load context, the host's copy of what both have (the contract, the abstractions).
    var loader = PluginLoader.CreateFromAssemblyFile(Path.Combine(AppContext.BaseDirectory, "plugins", Plugin, Plugin + ".dll"),
        config => config.PreferSharedTypes = true);
    var entryType = loader.LoadDefaultAssembly().GetTypes().Single(t => typeof(IArchitecturePlugin).IsAssignableFrom(t));
    var entry = (IArchitecturePlugin)Activator.CreateInstance(entryType)!;
    var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
    entry.ConfigureServices(services, configuration);
    using var provider = services.BuildServiceProvider();
    var profile = provider.GetRequiredService<IProfile>();
    parse.InvocationConfiguration.Output.WriteLine($"{parse.GetValue(arch) ?? configuration["Architecture"]}: {profile.Name}");
});
return root.Parse(args).Invoke();
