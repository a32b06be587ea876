from flask import Blueprint

bp = Blueprint("rankings", __name__)
