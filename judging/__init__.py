"""Fair judging for information-consumption contests and selections (信息消费大赛评审系统)."""

__version__ = "0.1.0"
