namespace Pmap.Packaging.Tests;

/// <summary>
/// The contract package is validated against the released one when packed: a change that would break a port binary fails
/// the pack, naming the member, while the contract as it is packs cleanly.
/// </summary>
public sealed class ContractValidationTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => Directory.Delete(_box.Root, recursive: true);

    /// <summary>A copy of Pmap.Port with the repository's build settings, edited by <paramref name="edit"/>, packed.</summary>
    private Run PackContract(Func<string, string>? edit = null)
    {
        var root = Path.Combine(_box.Work, "contract-" + Guid.NewGuid().ToString("n"));
        var project = Path.Combine(root, "Pmap.Port");
        foreach (var file in Directory.GetFiles(Path.Combine(Sandbox.Repo, "Pmap.Port"), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Path.Combine(Sandbox.Repo, "Pmap.Port"), file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            var target = Path.Combine(project, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        foreach (var props in new[] { "Directory.Build.props", "Directory.Packages.props" })
            File.Copy(Path.Combine(Sandbox.Repo, props), Path.Combine(root, props));
        if (edit is not null)
        {
            var machine = Path.Combine(project, "IXenMachine.cs");
            File.WriteAllText(machine, edit(File.ReadAllText(machine)));
        }
        return _box.Dotnet(root, "pack", "Pmap.Port", "-o", Path.Combine(root, "out"));
    }

    [Fact]
    public void The_contract_packs_against_its_baseline_and_a_breaking_change_fails_naming_the_member()
    {
        var clean = PackContract();
        Assert.True(clean.Code == 0, clean.All);

        var broken = PackContract(source => source.Replace("VirtAddr PmapMap(Mfn mfn);", "VirtAddr PmapMap(Mfn mfn, int order);",
            StringComparison.Ordinal));
        Assert.NotEqual(0, broken.Code);
        Assert.Contains("error CP0002: Member 'Pmap.Port.VirtAddr Pmap.Port.IXenMachine.PmapMap(Pmap.Port.Mfn)' exists on [Baseline]",
            broken.Out);
    }
}
