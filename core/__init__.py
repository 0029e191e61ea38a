"""Lotbook core: domain, services and storage. Plain Python; never imports Qt or the front ends."""
