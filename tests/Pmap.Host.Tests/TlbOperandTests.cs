namespace Pmap.Host.Tests;

/// <summary>The register operand of TLB invalidations in `pmap map` output (docs/CLI.md, tlb-flush events).</summary>
public class TlbOperandTests
{
    [Fact]
    public void Arm64_unmap_shows_tlbi_vae2_with_the_va_shifted_by_page_shift()
    {
        // FIXMAP_ADDR(66) on 4.17 = 0x400000 + 66 * 4 KiB = 0x442000; tlbi vae2's Xt holds VA >> 12 = 0x442.
        var r = Cli.Run("map", "--arch", "arm64", "--profile", "xen-4.17", "--mfn", "0x12345", "--unmap", "--json");
        Assert.Equal(0, r.Code);
        var events = r.Json.GetProperty("steps")[1].GetProperty("events").EnumerateArray();
        var tlbi = events.Single(e => e.GetProperty("kind").GetString() == "tlb-flush");
        Assert.Equal(("tlbi vae2", "0x442000", "0x442"), (tlbi.GetProperty("op").GetString(), tlbi.GetProperty("va").GetString(),
            tlbi.GetProperty("reg").GetString()));
        var human = Cli.Run("map", "--arch", "arm64", "--profile", "xen-4.17", "--mfn", "0x12345", "--unmap");
        Assert.Contains("tlbi vae2  0x442   (va 0x442000)", human.Out, StringComparison.Ordinal);
    }
}
