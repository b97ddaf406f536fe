#pragma warning disable CS1591 // Some public members here still lack XML documentation: to fill in (every other file is complete).
namespace Pmap.Port;

/// <summary>Xen's enum system_state (xen/include/xen/kernel.h); the order matters: PMAP needs &lt; SmpBoot.</summary>
public enum SystemState
{
    EarlyBoot = 0,
    Boot = 1,
    SmpBoot = 2,
    Active = 3,
    Suspend = 4,
    Resume = 5,
}

public static class SystemStates
{
    /// <summary>Xen's spelling without the SYS_STATE_ prefix (early_boot, smp_boot, ...).</summary>
    public static string XenName(this SystemState s) => s switch
    {
        SystemState.EarlyBoot => "early_boot",
        SystemState.Boot => "boot",
        SystemState.SmpBoot => "smp_boot",
        SystemState.Active => "active",
        SystemState.Suspend => "suspend",
        SystemState.Resume => "resume",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static bool TryParse(string text, out SystemState state)
    {
        foreach (var s in Enum.GetValues<SystemState>())
        {
            if (string.Equals(text, s.XenName(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, "SYS_STATE_" + s.XenName(), StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static string Allowed => string.Join(", ", Enum.GetValues<SystemState>().Select(s => s.XenName()));
}
