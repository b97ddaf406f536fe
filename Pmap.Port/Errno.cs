namespace Pmap.Port;

/// <summary>The errno values the modelled Xen code returns, negated as Xen returns them (xen/include/public/errno.h).</summary>
public static class Errno
{
    /// <summary>No such entry.</summary>
    public const int ENOENT = 2;
    /// <summary>The entry exists already.</summary>
    public const int EEXIST = 17;
    /// <summary>Invalid argument (map_pages_to_xen over a valid entry).</summary>
    public const int EINVAL = 22;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
}
