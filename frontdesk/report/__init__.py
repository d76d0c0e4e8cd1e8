"""Reports managers pass around (MISSION T3): built from stored scorecards, with no Django import.

``xlsx`` builds the Excel workbook; ``labels`` holds its words in Chinese and English.
"""
