"""Transcript analytics (issue 8, MISSION T1 / M2 / I-P1 / I-P3 / F2): script compliance, customer
sentiment, predicted satisfaction and PII masking for chats and call transcripts, in Chinese and
English, offline and on a CPU.

Pure Python (numpy for the model, jieba for Chinese words); no Django import. The command line is
``frontdesk text`` (frontdesk/cli/text.py); the flow into ``qa_reviews`` is :mod:`frontdesk.text.reviews`.
Documented in docs/text-analytics.md.
"""
