"""A synthetic OpenStack cloud on loopback: --demo target, test fixture and benchmark."""

from exporter.demo.cloud import DemoCloud
from exporter.demo.server import DemoServer

__all__ = ["DemoCloud", "DemoServer"]
