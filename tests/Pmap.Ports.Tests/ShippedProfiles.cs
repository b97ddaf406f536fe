using Pmap.Arch.Arm32;
using Pmap.Arch.Arm64;
using Pmap.Arch.RiscV;
using Pmap.Arch.X86;
using Pmap.Core.Arch;

namespace Pmap.Ports.Tests;

/// <summary>Every shipped architecture and each of its profiles, for theories that run on all of them.</summary>
public static class ShippedProfiles
{
    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in Architectures())
            foreach (var p in arch.Profiles) data.Add(arch.Name, p.Name);
        return data;
    }

    public static IEnumerable<IArchitecture> Architectures() =>
        [new Arm64Architecture(), new Arm32Architecture(), new X86Architecture(), new RiscVArchitecture()];

    /// <summary>The model of <paramref name="arch"/> under <paramref name="profile"/>.</summary>
    public static ArchModel Model(string arch, string profile) => Architectures().Single(a => a.Name == arch).Create(ArchSettings.For(profile));
}
