"""People-readable names for the devices and browsers behind sessions."""

from functools import lru_cache

import user_agents


@lru_cache(maxsize=4096)
def describe(user_agent: str) -> tuple[str, str]:
    """(device, browser), e.g. ("iPhone", "Mobile Safari 17 on iOS 17.1")."""
    if not user_agent:
        return "Unknown device", "Unknown browser"
    agent = user_agents.parse(user_agent)
    device = agent.device.family if agent.device.family != "Other" else ""
    if not device:
        device = "Computer" if agent.is_pc else "Bot" if agent.is_bot else "Unknown device"
    browser = f"{agent.browser.family} {agent.browser.version_string}".strip()
    system = f"{agent.os.family} {agent.os.version_string}".strip()
    return device, f"{browser} on {system}" if agent.os.family != "Other" else browser


def others(count: int) -> str:
    return "1 other device" if count == 1 else f"{count} other devices"
