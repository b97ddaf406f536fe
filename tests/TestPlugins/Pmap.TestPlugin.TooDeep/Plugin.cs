using Pmap.TestArch;

namespace Pmap.TestPlugin.TooDeep;

/// <summary>A port claiming a 64-level table (levels 0..63) for a 48-bit VA: impossible, refused at load.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("toodeep", format: new PageTableFormat(0, 63, 48, 48, VaRange.ZeroExtended)));
