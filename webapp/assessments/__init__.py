"""The assessment domain ("phiếu tự đánh giá"): its status machine, scoring progress and queries.

Used by the thin UI packages: `assess` (the member), `review` (the head), `api` (the offline
form) and `certificates`. Who may act is decided in `webapp.access`.
"""
