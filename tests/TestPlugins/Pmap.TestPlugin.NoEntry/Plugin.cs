using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pmap.TestArch;

namespace Pmap.TestPlugin.NoEntry;

/// <summary>An assembly with an architecture but no IArchitecturePlugin entry type.</summary>
public static class NotAPlugin
{
    public static IArchitecture Make() => new FakeArchitecture("orphan");
}
