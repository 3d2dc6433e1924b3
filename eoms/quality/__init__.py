"""Quality and compliance (质量管理): inspection templates, checkpoints that start
inspections by themselves, the gates that refuse acceptance until they pass (concealed
work), non-conformance with rework, and the archived quality report of a delivered order."""
