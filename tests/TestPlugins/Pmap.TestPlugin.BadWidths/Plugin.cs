using Pmap.TestArch;

namespace Pmap.TestPlugin.BadWidths;

/// <summary>A port claiming 200-bit virtual and 0-bit physical addresses: impossible, refused at load.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("badwidths", format: new PageTableFormat(0, 3, 200, 0, VaRange.ZeroExtended)));
