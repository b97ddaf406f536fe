using Microsoft.Extensions.Configuration;
using Pmap.Arch.Arm32;
using Pmap.Arch.Arm64;
using Pmap.Arch.RiscV;
using Pmap.Arch.X86;
using Pmap.Core;
using Pmap.Core.Arch;

namespace Pmap.Ports.Tests;

/// <summary>Each shipped port declares exactly what it reads: every declared option is read, and nothing undeclared can be.</summary>
public class DeclaredOptionsTests
{
    public static TheoryData<string> Ports() => new() { "arm64", "arm32", "x86", "riscv" };

    private static IArchitecture Port(string name) => name switch
    {
        "arm64" => new Arm64Architecture(),
        "arm32" => new Arm32Architecture(),
        "x86" => new X86Architecture(),
        _ => new RiscVArchitecture(),
    };

    /// <summary>A value the option refuses (or, for a file, one that does not exist).</summary>
    private static string Refused(ArchOption o) => o.Type switch
    {
        ArchOptionType.File => Path.Combine(Path.GetTempPath(), "pmap-no-such-" + Guid.NewGuid().ToString("n")),
        ArchOptionType.WholeNumber => (o.Max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ArchOptionType.Address => o.Alignment > 1 ? Hex.Format(o.Alignment + 1) : "nowhere",
        _ => "zz",
    };

    [Theory]
    [MemberData(nameof(Ports))]
    public void Every_declared_option_is_read_when_the_model_is_built(string name)
    {
        var arch = Port(name);
        Assert.NotEmpty(arch.Options);
        foreach (var option in arch.Options)
        {
            if (option.Type != ArchOptionType.File) Assert.False(option.Accepts(Refused(option)), $"{name}: {option.Key} accepts {Refused(option)}");
            if (option.Default is { } d) Assert.True(option.Accepts(d), $"{name}: {option.Key} refuses its own default {d}");
            var section = new ConfigurationBuilder().AddInMemoryCollection([new(option.Key, Refused(option))]).Build();
            // Built with a value it cannot use: a port that reads the option stops with its key; one that never reads it would not.
            var e = Assert.Throws<PmapConfigurationException>(() => arch.Create(ArchSettings.For(arch.DefaultProfile, section: section)));
            Assert.Equal(option.Key, e.Key);
        }
    }

    [Fact]
    public void Reading_an_option_the_port_does_not_declare_is_a_plugin_error_naming_it()
    {
        var settings = ArchSettings.For("xen-4.22.0") with { Declared = ("riscv", RiscVOptions.All) };
        var e = Assert.Throws<PmapPluginException>(() => settings.GetBool(X86Options.Nx));
        Assert.Equal("riscv: reads option 'Nx', which the port does not declare among its options", e.Message);
    }
}
