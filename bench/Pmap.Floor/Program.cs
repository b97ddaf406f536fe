using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.Core;
using Pmap.Core.Machine;
using Pmap.Hosting;

// The memory floor under a workload: the peak of a process that holds the frames a run materialises (in the model's own
// PhysicalMemory) and does nothing else, with the .NET runtime alone or also with pmap's hosting as `pmap` starts it
// (configuration from appsettings.json and PMAP_ variables, DI, every plugin loaded with McMaster.NETCore.Plugins).
// No command line, no console UI, no model: what a run of `pmap bench` cannot go below.
// Usage: pmap-floor FRAMES [--hosting PMAP_DIR]; prints one JSON line.
if (args.Length is not (1 or 3) || !long.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var frames)
    || (args.Length == 3 && args[1] != "--hosting"))
{
    Console.Error.WriteLine("usage: pmap-floor FRAMES [--hosting PMAP_DIR]");
    return 2;
}
var pmapDir = args.Length == 3 ? Path.GetFullPath(args[2]) : null;
var architectures = 0;
if (pmapDir is not null)
{
    var configuration = new ConfigurationBuilder()
        .SetBasePath(pmapDir)
        .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
        .AddEnvironmentVariables("PMAP_")
        .Build();
    using var services = new ServiceCollection().AddPmapHosting(configuration, pmapDir).BuildServiceProvider();
    architectures = services.GetRequiredService<ArchitectureRegistry>().Names.Count;
}
var memory = new PhysicalMemory();
for (var i = 0L; i < frames; i++) memory.Write64(new Mfn(0x40000 + (ulong)i).ToPhysAddr(), 1);
Console.WriteLine($"{{\"frames\":{memory.FrameCount},\"hosting\":{(pmapDir is null ? "false" : "true")},\"architectures\":{architectures}," +
    $"\"peakRssBytes\":{Process.GetCurrentProcess().PeakWorkingSet64}}}");
return 0;
