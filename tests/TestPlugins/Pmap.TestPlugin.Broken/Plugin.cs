using Pmap.TestArch;

namespace Pmap.TestPlugin.Broken;

/// <summary>An architecture whose directmap is one frame off: Xen is fine, the port is wrong, and boot's verification says so.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("broken", directmapOffByOne: true));
