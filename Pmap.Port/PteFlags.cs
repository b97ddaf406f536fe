namespace Pmap.Port;

/// <summary>
/// The one-bit flags most formats share, each worded once, so that the decode of one architecture reads like another's
/// where `compare` and the report put them side by side. A port passes its bit and the manual's name for it; what the
/// architecture adds (a fault, a TLB consequence) comes as <c>note</c>. Bits a walk ignores above a leaf say so there.
/// </summary>
public static class PteFlags
{
    private const string IgnoredAboveLeaf = "ignored above a leaf";

    /// <summary>A flag with a meaning for each value.</summary>
    public static PteField Flag(ulong raw, int bit, string name, string set, string clear) =>
        PteField.Bit(raw, bit, name, v => v != 0 ? set : clear);

    /// <summary>Valid: the walk goes on (table) or stops at a leaf; clear, it faults.</summary>
    public static PteField Valid(ulong raw, int bit, string name) => Flag(raw, bit, name, "valid", "invalid: the walk faults here");

    /// <summary>x86's word for valid.</summary>
    public static PteField Present(ulong raw, int bit, string name) => Flag(raw, bit, name, "present", "not present: the walk faults here");

    /// <summary>Stores allowed.</summary>
    public static PteField Writable(ulong raw, int bit, string name) => Flag(raw, bit, name, "writable", "read-only");

    /// <summary>Arm's AP[2]: the permission stated the other way round.</summary>
    public static PteField ReadOnly(ulong raw, int bit, string name) => Flag(raw, bit, name, "read-only", "writable");

    /// <summary>Instruction fetches allowed.</summary>
    public static PteField Executable(ulong raw, int bit, string name) => Flag(raw, bit, name, "executable", "not executable");

    /// <summary>Arm's XN and x86's NX: execute permission stated the other way round.</summary>
    public static PteField ExecuteNever(ulong raw, int bit, string name) => Flag(raw, bit, name, "execute-never", "executable");

    /// <summary>Accessible from user (lower) privilege, not only from the hypervisor's.</summary>
    public static PteField User(ulong raw, int bit, string name) => Flag(raw, bit, name, "user accessible", "supervisor only");

    /// <summary>Global: the entry survives an address-space switch; <paramref name="leaf"/> false where the walk ignores it.</summary>
    public static PteField Global(ulong raw, int bit, string name, bool leaf = true, string note = "") =>
        Flag(raw, bit, name, leaf ? "global" + note : IgnoredAboveLeaf, leaf ? "not global" : IgnoredAboveLeaf);

    /// <summary>Arm's nG: global stated the other way round.</summary>
    public static PteField NotGlobal(ulong raw, int bit, string name, string note = "") => Flag(raw, bit, name, "not global" + note, "global");

    /// <summary>Accessed: set by hardware or software on first use; <paramref name="leaf"/> false where the walk ignores it.</summary>
    public static PteField Accessed(ulong raw, int bit, string name, bool leaf = true, string note = "") =>
        Flag(raw, bit, name, leaf ? "accessed" : IgnoredAboveLeaf, leaf ? "not accessed" + note : IgnoredAboveLeaf);

    /// <summary>Dirty: written since set clean; <paramref name="leaf"/> false where the walk ignores it.</summary>
    public static PteField Dirty(ulong raw, int bit, string name, bool leaf = true, string note = "") =>
        Flag(raw, bit, name, leaf ? "dirty" : IgnoredAboveLeaf, leaf ? "clean" + note : IgnoredAboveLeaf);
}
