namespace Pmap.Host.Tests;

/// <summary>
/// `pmap verify` takes the QEMU target and regime from the port's own oracle: a port made from the template that states one is
/// verified by an unchanged host; a port that states none, or cannot boot Xen, is refused in one line, never passed.
/// </summary>
public class VerifyOracleCliTests
{
    private static string OraclePlugins => Path.Combine(AppContext.BaseDirectory, "oracleplugins");
    private static string TestPlugins => Path.Combine(AppContext.BaseDirectory, "testplugins");

    [QemuFact("qemu-system-aarch64", "qemu-system-arm")]
    public void A_template_port_that_states_its_oracle_passes_verify_through_the_real_binary()
    {
        foreach (var after in (string[])["boot", "map"])
        {
            var r = Cli.ProcessIn(Cli.BareHost, null, "verify", "--arch", "oracle-test", "--after", after, "--plugins", OraclePlugins, "--json");
            Assert.True(r.Code == 0, $"{after}: exit {r.Code}: {r.Err}");
            var json = r.Json;
            Assert.Equal("oracle-test", json.GetProperty("arch").GetString());
            Assert.EndsWith("qemu-system-aarch64", json.GetProperty("qemu").GetString());
            // Every PMAP slot and fixmap slot at least, and after boot the 16 MiB directmap's leaves: QEMU walked them all.
            Assert.True(json.GetProperty("checked").GetInt32() > 8 * 3, r.Out);
            Assert.Equal(0, json.GetProperty("disagreements").GetInt32());
        }
    }

    [Fact]
    public void A_port_that_states_no_oracle_is_refused_in_one_line_not_passed()
    {
        var r = Cli.Run("verify", "--arch", "norules", "--plugins", TestPlugins, "--json");
        Assert.Equal(3, r.Code);
        r.AssertNoStackTrace();
        var error = r.Json.GetProperty("error");
        Assert.Equal("plugin", error.GetProperty("kind").GetString());
        Assert.Equal("norules: states no verification target (QEMU target and regime registers): see PORTING.md",
            error.GetProperty("message").GetString());
        Assert.Equal(["pmap: norules: states no verification target (QEMU target and regime registers): see PORTING.md"],
            r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("oracle-test", "oracleplugins")]
    public void Xen_image_on_a_port_whose_oracle_cannot_boot_xen_is_a_usage_error(string arch, string? plugins)
    {
        var image = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(image, new byte[4096]);
            string[] args = ["verify", "--arch", arch, "--xen-image", image, "--json"];
            var r = Cli.Run(plugins is null ? args : [.. args, "--plugins", Path.Combine(AppContext.BaseDirectory, plugins)]);
            Assert.Equal(2, r.Code);
            r.AssertNoStackTrace();
            var error = r.Json.GetProperty("error");
            Assert.Equal("usage", error.GetProperty("kind").GetString());
            Assert.Equal($"--xen-image: {arch} states no way to boot a real Xen image (its verification target has no XenBoot): see PORTING.md",
                error.GetProperty("message").GetString());
        }
        finally
        {
            File.Delete(image);
        }
    }
}
