"""企业服务专区: company opening and closing as "one thing" bundles, agency service (seeds 000, 002)."""
