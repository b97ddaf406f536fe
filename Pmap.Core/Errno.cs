namespace Pmap.Core;

/// <summary>The errno values the modelled Xen code returns, negated as Xen returns them (xen/include/public/errno.h).</summary>
public static class Errno
{
    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int EOPNOTSUPP = 95;
}
